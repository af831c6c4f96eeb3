"""The mentee area: ``views`` holds the blueprint (its role check) and the home and profile;
``outcomes`` adds the outcomes page to it. Importing the package registers every route."""

from mentormatch.web.mentee import outcomes  # noqa: F401 - adds its routes to views.bp
