from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access, services
from accounts.forms import (
    GrantAddForm,
    SecurityFormsForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from accounts.models import (
    LEA_COORDINATOR_ROLES,
    SITE_COORDINATOR_ROLES,
    AccountEvent,
    Role,
    RoleGrant,
    User,
)

USERS_PER_PAGE = 25


def _apply_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        aliases = getattr(form, "service_error_fields", {})
        for field, errors in error.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class StairsPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the emailed link also lifts a sign-in lockout."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response


class StairsLogoutView(auth_views.LogoutView):
    """Signing out says so on the sign-in page it lands on."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Added after the session is flushed: the message travels in the messages cookie.
        messages.success(request, "You are signed out of STAIRS.")
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what this user can do next, by role, with the state that matters.

    A fixed number of queries whatever the size of the LEA or the state: the grants, the
    scope (cached on the user), and one count of accounts for those who manage them.
    """
    return render(request, "home.html", home_context(request.user))


def home_context(user: User) -> dict[str, Any]:
    """The start page's context; an upper layer's page that extends home.html (the
    coordinators' dashboard) starts from it."""
    scope = access.scope_for(user)
    grants = list(scope.grants)
    can_manage_users = access.can_manage_users(user)
    roles = scope.roles
    return {
        "grants": grants,
        "can_manage_users": can_manage_users,
        "can_search_students": not scope.is_empty,
        "is_lea_coordinator": bool(roles & LEA_COORDINATOR_ROLES),
        "is_site_coordinator": bool(roles & SITE_COORDINATOR_ROLES),
        "is_test_administrator": Role.TEST_ADMINISTRATOR in roles,
        "is_cde": bool(roles & {Role.CDE_REVIEWER, Role.CDE_ADMINISTRATOR}),
        "is_cde_administrator": Role.CDE_ADMINISTRATOR in roles,
        "is_caltac": Role.CALTAC_AGENT in roles,
        "active_users": (
            access.users_for(user).filter(is_active=True).count() if can_manage_users else None
        ),
    }


@login_required
def security_agreement(request: HttpRequest) -> HttpResponse:
    user = request.user
    required = access.has_role(user, *LEA_COORDINATOR_ROLES)
    if user.has_signed_security_forms:
        return render(request, "accounts/security_agreement.html", {"signed": True})
    form = SecurityFormsForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.security_forms_sign(user=user)
        messages.success(
            request, "Thank you. The Test Security Agreement and Affidavit are signed."
        )
        return redirect("home")
    return render(
        request,
        "accounts/security_agreement.html",
        {"form": form, "signed": False, "required": required},
    )


def _require_user_manager(request: HttpRequest) -> None:
    if not access.can_manage_users(request.user):
        raise PermissionDenied("Only LEA coordinators and CDE administrators manage accounts.")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    form = UserSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # An invalid query shows its error and no list, rather than every account under
        # "accounts matching ...".
        return render(request, "accounts/user_list.html", {"form": form, "page": None})
    query = form.cleaned_data["q"] if form.is_bound else ""
    users = access.users_for(request.user)
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    visible_orgs = access.organizations_for(request.user).values("pk")
    users = users.order_by("full_name", "email").prefetch_related(
        Prefetch(
            "grants",
            queryset=RoleGrant.objects.filter(organization__in=visible_orgs)
            .select_related("organization")
            .order_by("role"),
        )
    )
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query})


def _visible_user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(access.users_for(request.user), pk=pk)


def _managed_user(request: HttpRequest, pk: int) -> User:
    """A user the actor may change; one they may only see is refused, an unseen one is 404."""
    user = _visible_user(request, pk)
    if not access.managed_users_for(request.user).filter(pk=user.pk).exists():
        raise PermissionDenied("You cannot change this account; ask CDE.")
    return user


def _visible_history(viewer: User, user: User) -> list[AccountEvent]:
    """The account's history as far as the viewer may see it (U-4).

    Changes at organizations outside the viewer's scope are left out, and an actor the viewer
    cannot see is not named.
    """
    visible_orgs = access.organizations_for(viewer).values("pk")
    events = list(
        user.account_events.filter(
            Q(organization__isnull=True) | Q(organization__in=visible_orgs)
        ).select_related("actor")[:20]
    )
    actor_ids = {e.actor_id for e in events if e.actor_id}
    visible_actors = set(
        access.users_for(viewer).filter(pk__in=actor_ids).values_list("pk", flat=True)
    )
    for event in events:
        event.actor_visible = event.actor_id in visible_actors
    return events


def _user_detail_page(
    request: HttpRequest, user: User, grant_form: GrantAddForm | None, status: int = 200
) -> HttpResponse:
    can_manage = access.managed_users_for(request.user).filter(pk=user.pk).exists()
    # Actions the services always refuse are not offered: nobody deactivates themselves or
    # changes their own roles (U-3), and an account's last role is not removed.
    is_self = user.pk == request.user.pk
    can_change_roles = can_manage and not is_self
    visible_orgs = access.organizations_for(request.user).values("pk")
    grants = list(
        user.grants.filter(organization__in=visible_orgs)
        .select_related("organization", "organization__parent")
        .order_by("role")
    )
    can_remove_grants = can_change_roles and user.grants.count() > 1
    if can_change_roles and grant_form is None:
        grant_form = GrantAddForm(actor=request.user)
    elif not can_change_roles and grant_form is not None and grant_form.errors:
        # A refused grant on a page that offers no grant form (one's own account): the reason
        # still shows, at the top of the page.
        for errors in grant_form.errors.values():
            for error in errors:
                messages.error(request, error)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "grants": grants,
            "events": _visible_history(request.user, user),
            "can_manage": can_manage,
            "is_self": is_self,
            "can_remove_grants": can_remove_grants,
            "grant_form": grant_form if can_change_roles else None,
        },
        status=status,
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_user_manager(request)
    return _user_detail_page(request, _visible_user(request, pk), None)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                actor=request.user, site_url=request.build_absolute_uri("/").rstrip("/"), **data
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            # The same words and the same next page whether the email was new or already had
            # an account (perhaps in another LEA): the answer reveals nothing outside scope.
            # The email is only queued, so the page does not claim it was sent.
            messages.success(
                request,
                f"{data['email']} has the role {Role(data['role']).label} at "
                f"{data['organization'].name}. An invitation is on its way to {data['email']}.",
            )
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_user_manager(request)
    user = _managed_user(request, pk)
    form = UserEditForm(
        request.POST or None, initial={"full_name": user.full_name, "phone": user.phone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, "Account saved.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "creating": False, "subject": user}
    )


def _confirm(
    request: HttpRequest, *, title: str, consequences: list[str], button_label: str, cancel_url: str
) -> HttpResponse:
    """The page that asks before a destructive action; its button POSTs to the same URL."""
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "action_url": request.path,
            "button_label": button_label,
            "cancel_url": cancel_url,
        },
    )


def _post_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    _require_user_manager(request)
    user = _managed_user(request, pk)
    try:
        action(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success.format(email=user.email))
    return redirect("accounts:user_detail", pk=user.pk)


@require_http_methods(["GET", "POST"])
@login_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        # Never on one click: the GET asks, only the POST from that page acts.
        _require_user_manager(request)
        user = _managed_user(request, pk)
        return _confirm(
            request,
            title=f"Deactivate {user.full_name}?",
            consequences=[
                f"{user.email} can no longer sign in, and is signed out everywhere now.",
                "Their roles and history stay, so you can reactivate the account later.",
            ],
            button_label="Deactivate the account",
            cancel_url=reverse("accounts:user_detail", args=[user.pk]),
        )
    return _post_action(
        request, pk, services.user_deactivate, "{email} is deactivated and can no longer sign in."
    )


@require_POST
@login_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, services.user_reactivate, "{email} can sign in again.")


@require_POST
@login_required
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_user_manager(request)
    user = _managed_user(request, pk)
    form = GrantAddForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.grant_add(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, "Role granted.")
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_detail_page(request, user, form, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def grant_remove(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    _require_user_manager(request)
    user = _managed_user(request, pk)
    try:
        grant = user.grants.select_related("organization").get(pk=grant_pk)
    except RoleGrant.DoesNotExist:
        raise Http404 from None
    if request.method == "GET":
        return _confirm(
            request,
            title=f"Remove the role {grant.get_role_display()} at {grant.organization.name}?",
            consequences=[
                f"{user.full_name} loses what this role opens at {grant.organization.name}.",
                "Their other roles and their account stay as they are.",
            ],
            button_label="Remove the role",
            cancel_url=reverse("accounts:user_detail", args=[user.pk]),
        )
    try:
        services.grant_remove(actor=request.user, grant=grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Role removed.")
    return redirect("accounts:user_detail", pk=user.pk)
