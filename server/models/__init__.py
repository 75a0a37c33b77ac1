"""All peewee models, by feature; queries about one model live on that model. Import them from here."""
from server.models.accounts import (STAFF_ROLES, TOKEN_ROLES, ApiToken, Board, LoginFailure, PairingRequest, Printer,
                                    SocketConnection, Staff)
from server.models.base import BaseModel, SchemaVersion, Setting, utcnow
from server.models.booking import (APPOINTMENT_SOURCES, APPOINTMENT_STATUSES, DOSSIER_STATUSES, MEDIA_KINDS,
                                   RATING_SCORES, Appointment, Dossier, Holiday, Media, MediaBoard, OpeningHours,
                                   Procedure, Rating)
from server.models.messages import OUTBOX_STATES, InboundMessage, OutboxMessage
from server.models.office import (ACTIVE_STATUSES, PRIORITY_REASONS, STATUSES, AuditEvent, Counter, CounterService,
                                  DailySequence, PrintJob, Service, Ticket)

__all__ = ['ACTIVE_STATUSES', 'APPOINTMENT_SOURCES', 'APPOINTMENT_STATUSES', 'DOSSIER_STATUSES', 'MEDIA_KINDS',
           'MODELS', 'OUTBOX_STATES', 'PRIORITY_REASONS', 'RATING_SCORES', 'STAFF_ROLES', 'STATUSES', 'TOKEN_ROLES',
           'ApiToken', 'Appointment', 'AuditEvent', 'BaseModel', 'Board', 'Counter', 'CounterService',
           'DailySequence', 'Dossier', 'Holiday', 'InboundMessage', 'LoginFailure', 'Media', 'MediaBoard',
           'OpeningHours', 'OutboxMessage', 'PairingRequest', 'PrintJob', 'Printer', 'Procedure', 'Rating',
           'SchemaVersion', 'Service', 'Setting', 'SocketConnection', 'Staff', 'Ticket', 'utcnow']

# The order the tables are created in (each after the ones it refers to).
MODELS = [Service, Counter, CounterService, Staff, Printer, ApiToken, Board, Setting,
          DailySequence, Ticket, AuditEvent, PrintJob, Procedure, OpeningHours, Holiday, Appointment,
          OutboxMessage, InboundMessage, Dossier, LoginFailure, SocketConnection, PairingRequest, Rating, Media,
          MediaBoard, SchemaVersion]
