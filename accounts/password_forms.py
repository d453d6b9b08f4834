"""The password forms in STAIRS's own words instead of Django's defaults ("Old password",
"New password confirmation", "The two password fields didn't match")."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm

NEW_PASSWORD_HELP = (
    "At least 12 characters. Not a common password, not only numbers, and not like your name "
    "or email address. A short sentence is easy to remember and hard to guess."
)


def _word_new_password_fields(form: SetPasswordForm) -> None:
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = NEW_PASSWORD_HELP
    form.fields["new_password1"].error_messages["required"] = "Enter a new password."
    form.fields["new_password2"].label = "Type the new password again"
    form.fields["new_password2"].help_text = "The same as above, to catch a typing mistake."
    form.fields["new_password2"].error_messages["required"] = "Type the new password again."


class StairsSetPasswordForm(SetPasswordForm):
    """Choosing a password through an emailed link (first sign-in or forgotten password)."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The two new passwords are not the same. Type them again.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _word_new_password_fields(self)


class StairsPasswordChangeForm(PasswordChangeForm):
    """Changing one's password while signed in."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": "The two new passwords are not the same. Type them again.",
        "password_incorrect": "That is not your current password. Type it again.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password."
        _word_new_password_fields(self)
