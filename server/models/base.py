"""The base of every model, the clock they store and the rows that are not one feature's."""
import datetime

from peewee import CharField, IntegerField, Model, TextField

from server.extensions import db


def utcnow():
    """The current time as naive UTC, the way every timestamp is stored."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()


class SchemaVersion(BaseModel):
    version = IntegerField()
