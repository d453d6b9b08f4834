from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts import access
from accounts.models import Organization, Role, User
from accounts.phone import PHONE_HELP, normalize_us_phone


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        # Email addresses are stored lowercase; people type them any way.
        return self.cleaned_data["username"].strip().lower()

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email address and password do not match an active account. "
            "Passwords are case-sensitive."
        ),
    }


def axes_username(request, credentials: dict | None = None) -> str:
    """The lockout key: the email as typed, normalized, so 'A@x' and 'a@x' count together."""
    source = credentials if credentials is not None else request.POST
    return (source.get("username") or "").strip().lower()


class StairsPasswordResetForm(PasswordResetForm):
    """Password reset, also for an account that was created without a password.

    Accounts are created by coordinators with no password; the person sets one through the
    invitation (accounts/emails.py) or through this form. STAIRS has no external sign-in
    whose accounts must be kept away from password resets, so every active account qualifies.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)


class SecurityFormsForm(forms.Form):
    agree_agreement = forms.BooleanField(
        label="I have read and agree to the Test Security Agreement.",
        error_messages={"required": "Check this box to sign the Test Security Agreement."},
    )
    agree_affidavit = forms.BooleanField(
        label="I have read and sign the Test Security Affidavit.",
        error_messages={"required": "Check this box to sign the Test Security Affidavit."},
    )
    signature = forms.CharField(
        label="Type your full name as your signature",
        max_length=150,
        error_messages={"required": "Type your full name to sign."},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_signature(self) -> str:
        signature = " ".join(self.cleaned_data["signature"].split())
        if signature.casefold() != " ".join(self.user.full_name.split()).casefold():
            raise forms.ValidationError(
                f"Type your full name exactly as it is on your account: {self.user.full_name}."
            )
        return signature


def _organization_label(organization: Organization) -> str:
    if organization.parent_id:
        return f"{organization.parent.name} / {organization.name} ({organization.cds_code})"
    return str(organization)


class GrantChoiceField(forms.ChoiceField):
    """One choice of a role at an organization: only the pairs the actor may grant are listed
    (U-2, U-3), so an impossible pair such as a site role at an LEA is never offered.

    A posted pair that is not listed but names a real role and organization is let through to
    the service, which refuses it with the reason (``access.grant_refusal``).
    """

    SEPARATOR = ":"
    default_error_messages = {"invalid_choice": "Choose a role and organization from the list."}

    def valid_value(self, value: str) -> bool:
        return self.parse(value) is not None

    @classmethod
    def value_for(cls, role: str, organization: Organization) -> str:
        return f"{organization.pk}{cls.SEPARATOR}{role}"

    @classmethod
    def parse(cls, value: str) -> tuple[str, int] | None:
        org_id, _, role = str(value).partition(cls.SEPARATOR)
        if role not in Role.values or not org_id.isdigit():
            return None
        return role, int(org_id)


class GrantFieldsMixin(forms.Form):
    """The role and organization of a grant, as one choice among the pairs the actor may grant.

    ``cleaned_data`` carries ``role`` and ``organization`` separately, as the services take them.
    """

    grant = GrantChoiceField(
        label="Role and organization",
        choices=(),
        error_messages={"required": "Choose the role and the organization where they hold it."},
    )
    # The services name the field at fault; both halves of the pair live in ``grant``.
    service_error_fields = {"role": "grant", "organization": "grant"}

    def setup_grant_fields(self, actor: User) -> None:
        self.actor = actor
        choices: list = [("", "Choose a role and organization")]
        for organization, roles in access.grantable_pairs(actor):
            options = [
                (
                    GrantChoiceField.value_for(role, organization),
                    f"{Role(role).label} at {organization.name}",
                )
                for role in roles
            ]
            choices.append((_organization_label(organization), options))
        self.fields["grant"].choices = choices

    def clean_grant(self) -> tuple[str, Organization]:
        role, org_id = GrantChoiceField.parse(self.cleaned_data["grant"])
        organization = Organization.objects.filter(pk=org_id).first()
        if organization is None:
            raise forms.ValidationError(self.fields["grant"].error_messages["invalid_choice"])
        return role, organization

    def clean(self) -> dict:
        cleaned = super().clean()
        if "grant" in cleaned:
            cleaned["role"], cleaned["organization"] = cleaned.pop("grant")
        return cleaned


class PhoneField(forms.CharField):
    """A US phone number, optional, stored as "(916) 555-0100"."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Phone")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", PHONE_HELP)
        super().__init__(**kwargs)

    def clean(self, value: str) -> str:
        value = super().clean(value)
        return normalize_us_phone(value) if value else ""


class UserCreateForm(GrantFieldsMixin):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the person's work email address: the invitation goes there.",
            "invalid": "Enter an email address like name@district.org.",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name, as colleagues know it."},
    )
    phone = PhoneField()

    field_order = ["email", "full_name", "phone", "grant"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_grant_fields(actor)


class GrantAddForm(GrantFieldsMixin):
    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_grant_fields(actor)


class UserEditForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name, as colleagues know it."},
    )
    phone = PhoneField()


class UserSearchForm(forms.Form):
    # Not stripped by the field: a query of spaces only is a mistake to point out, not an
    # empty search that lists everyone.
    q = forms.CharField(
        label="Search by name or email",
        required=False,
        max_length=100,
        strip=False,
        error_messages={"max_length": "Type at most 100 characters (you typed %(show_value)d)."},
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if query and not query.strip():
            raise forms.ValidationError("Type part of a name or an email address, not only spaces.")
        return query.strip()
