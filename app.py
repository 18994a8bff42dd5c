from naskah import create_app

app = create_app()
