"""At the desk (issue 15): what the step panels show, result messages, due-time wording."""
