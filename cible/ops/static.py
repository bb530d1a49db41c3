"""Static files, served by whitenoise: the hashed names of production mode are immutable and
cached for one year (docs/production.md), not whitenoise's ten."""

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    FOREVER = ONE_YEAR
