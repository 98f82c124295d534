import environ

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="benchmark-reference-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.reference.urls"
WSGI_APPLICATION = "benchmarks.reference.wsgi.application"
INSTALLED_APPS = ["benchmarks.reference"]
MIDDLEWARE = []
DATABASES = {"default": env.db("REFERENCE_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 600
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
