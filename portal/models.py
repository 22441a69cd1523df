"""Imports every model so that metadata and migrations see all tables."""

from portal.accounts.models import LoginAttempt, PasswordResetToken, User  # noqa: F401
from portal.audit import AuditEvent  # noqa: F401
from portal.cohorts.models import Cohort, Invitation, Membership  # noqa: F401
from portal.directory.models import DirectMessage, DirectoryEntry, MessageBlock  # noqa: F401, E402
from portal.discussion.models import Board, Flag, Post, PostRevision, Thread  # noqa: F401
from portal.discussion.notifications.models import (  # noqa: F401
    NotificationPreference,
    Subscription,
    ThreadRead,
)
from portal.enquiries.models import Enquiry, EnquiryNote  # noqa: F401
from portal.exercises.models import (  # noqa: F401, E402
    Exercise,
    ExerciseItem,
    ExerciseSection,
    ExerciseSummary,
)
from portal.i18n.models import ContentTranslation  # noqa: F401
from portal.learning import curriculum_version  # noqa: F401  (its table comes with create_all)
from portal.learning.models import (  # noqa: F401
    AssessmentWindow,
    AttemptAnswer,
    CurriculumSession,
    Objective,
    Partner,
    Programme,
    Question,
    Quiz,
    QuizAttempt,
    QuizSummary,
    Reading,
    ReadingProgress,
)
from portal.mail import OutboxMessage  # noqa: F401
from portal.practices.models import (  # noqa: F401
    Endorsement,
    Practice,
    PracticeComment,
    PracticeReview,
    PracticeTag,
)
from portal.progress.models import Certificate, Reminder, ReminderTemplate  # noqa: F401
from portal.public.models import CountryTrained  # noqa: F401
