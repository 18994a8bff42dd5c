"""Indonesian for click's own words (Usage, Options, errors), so `flask <perintah> --help` and
its error messages read like the rest of the application.

Written by hand because click ships no translations: it marks its strings with the standard
gettext functions, imported into each of its modules as `_` and `ngettext`. install() rebinds
those names to this catalogue; a string not listed stays as click wrote it.
"""
import importlib

MESSAGES = {
    "Usage:": "Penggunaan:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Positional arguments": "Argumen posisi",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "Confirm the action without prompting.": "Setujui tindakan tanpa bertanya.",
    "Do you want to continue?": "Lanjutkan?",
    "Aborted!": "Dibatalkan.",
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "Missing command.": "Perintah belum disebut.",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "No such option {name!r}.": "Tidak ada opsi {name!r}.",
    "No such option: {name}": "Tidak ada opsi: {name}",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing {param_type}": "{param_type} belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Invalid value: {message}": "Nilai tidak valid: {message}",
    "Invalid value for {param_hint}: {message}": "Nilai tidak valid untuk {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Option {name!r} requires an argument.": "Opsi {name!r} memerlukan nilai.",
    "Got unexpected extra argument ({args})": "Ada argumen berlebih yang tidak dikenal ({args})",
    "Got unexpected extra arguments ({args})": "Ada argumen berlebih yang tidak dikenal ({args})",
    "Repeat for confirmation": "Ulangi untuk konfirmasi",
    "Error: The two entered values do not match.": "Galat: kedua isian tidak sama.",
    "Error: invalid input": "Galat: isian tidak valid",
    "Press any key to continue...": "Tekan tombol apa saja untuk melanjutkan...",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "required": "wajib",
    "deprecated": "usang",
    "(dynamic)": "(dinamis)",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not one of {choices}.": "{value!r} bukan salah satu dari {choices}.",
    "{value!r} is not {choice}.": "{value!r} bukan {choice}.",
    "file": "berkas",
    "directory": "direktori",
    "path": "jalur",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah direktori.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
}
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


def install() -> None:
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def indonesian_metavars(group) -> None:
    """'[OPSI]' and 'PERINTAH [ARGUMEN]...' in every usage line (click's defaults are attributes);
    run once every area has added its commands."""
    import click
    for command in group.commands.values():
        command.options_metavar = "[OPSI]"
        if isinstance(command, click.Group):
            command.subcommand_metavar = "PERINTAH [ARGUMEN]..."
            indonesian_metavars(command)
