from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts import access
from accounts.models import STATE_ROLES, Organization, Role, User


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

    Accounts are created by coordinators with no password; the person sets one through this
    form (an invitation is the same email with a welcome text). STAIRS has no external sign-in
    whose accounts must be kept away from password resets, so every active account qualifies.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_invitation(self, request, user: User) -> None:
        """Email a new account's owner a link to choose their first password."""
        self.cleaned_data = {"email": user.email}
        self.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/email/invitation_subject.txt",
            email_template_name="accounts/email/invitation.txt",
        )


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


class OrganizationChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose one of the organizations listed: your own LEA or its schools."
    }

    def label_from_instance(self, obj: Organization) -> str:
        if obj.parent_id:
            return f"{obj.parent.name} / {obj.name} ({obj.cds_code})"
        return str(obj)


class RoleChoiceField(forms.ChoiceField):
    """Lists only the roles the actor may grant, but accepts any real role, so that a role
    above the actor's level reaches the service and is refused with the reason (U-3)."""

    default_error_messages = {"invalid_choice": "Choose one of the roles listed."}

    def valid_value(self, value: str) -> bool:
        return value in Role.values


class GrantFieldsMixin(forms.Form):
    """The role and organization pair of a grant, limited to what the actor may grant."""

    role = RoleChoiceField(label="Role", choices=())
    organization = OrganizationChoiceField(
        label="Organization",
        queryset=Organization.objects.none(),
        empty_label="Choose an organization",
    )

    def setup_grant_fields(self, actor: User) -> None:
        self.actor = actor
        orgs = access.manageable_organizations_for(actor).order_by("parent__name", "kind", "name")
        self.fields["organization"].queryset = orgs
        # Offer every role the actor can grant somewhere; the pair is checked by the service.
        if access.scope_for(actor).manages_everything:
            roles = set(Role.values)
        else:
            roles = set(Role.values) - STATE_ROLES
        self.fields["role"].choices = [("", "Choose a role")] + [
            (value, label) for value, label in Role.choices if value in roles
        ]


class UserCreateForm(GrantFieldsMixin):
    email = forms.EmailField(label="Email address", max_length=254)
    full_name = forms.CharField(label="Full name", max_length=150)
    phone = forms.CharField(label="Phone", max_length=30, required=False)

    field_order = ["email", "full_name", "phone", "role", "organization"]

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_grant_fields(actor)


class GrantAddForm(GrantFieldsMixin):
    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_grant_fields(actor)


class UserEditForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    phone = forms.CharField(label="Phone", max_length=30, required=False)


class UserSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or email", required=False, max_length=100)
