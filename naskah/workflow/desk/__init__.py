"""At the desk (issue 15): what the step panels show beside their forms, result messages, the
waiting filter, the lembar disposisi. Wired by the workflow area (views.init_app)."""
