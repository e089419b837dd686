"""Every feature's presenters, registered with the policy on import (app/policy/presenters.py).

The application (app/main.py) imports this once, so that `policy.present()` knows every model
whichever feature module a request happens to reach first.
"""

from app.agenda import present as agenda
from app.audit import present as audit
from app.evaluation import present as evaluation
from app.notes import present as notes
from app.ntext import present as ntext
from app.room import present as room
from app.roster import present as roster
from app.rules import present as rules
from app.workshops import present as workshops

FEATURES = (agenda, audit, evaluation, notes, ntext, room, roster, rules, workshops)
