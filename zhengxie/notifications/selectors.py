from .models import EmailMode, Notification, NotificationPreference


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def email_mode_of(user) -> str:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_mode if pref else EmailMode.IMMEDIATE
