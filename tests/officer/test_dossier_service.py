"""The dossier service on its own, without HTTP: the one table of status changes (every allowed
and every forbidden pair), and the queries, actions and typed errors that the API and the
console both adapt."""

from __future__ import annotations

import itertools

import pytest
from officer_kit import make_officers, seed_dossier

from services import actions, dossier_views
from services.assignments import assign
from services.dossiers import (
    TRANSITIONS,
    VISIBLE,
    DossierNotFound,
    Forbidden,
    InvalidInput,
    Status,
    TransitionNotAllowed,
    can_move,
    check_move,
    sources_of,
    visible,
)
from services.officers import Principal

# the contract's life of a dossier, written out once more on purpose: the table must equal it
ALLOWED = {
    ("draft", "submitted"),
    ("submitted", "in_review"),
    ("submitted", "needs_supplement"),
    ("submitted", "accepted"),
    ("submitted", "rejected"),
    ("in_review", "needs_supplement"),
    ("in_review", "accepted"),
    ("in_review", "rejected"),
    ("needs_supplement", "needs_supplement"),
    ("needs_supplement", "submitted"),
    ("needs_supplement", "rejected"),
    ("accepted", "result_ready"),
    ("result_ready", "completed"),
}


def test_statuses_are_the_contracts():
    assert [s.value for s in Status] == [
        "draft",
        "submitted",
        "in_review",
        "needs_supplement",
        "accepted",
        "rejected",
        "result_ready",
        "completed",
    ]
    assert set(TRANSITIONS) == set(Status)
    assert "draft" not in VISIBLE and len(VISIBLE) == 7


def test_every_allowed_change_is_allowed():
    assert {(str(a), str(b)) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    for current, target in ALLOWED:
        assert can_move(current, target), (current, target)


@pytest.mark.parametrize(
    "current,target",
    [
        ("completed", "submitted"),
        ("rejected", "accepted"),
        ("accepted", "rejected"),
        ("draft", "accepted"),
        ("result_ready", "accepted"),
        ("needs_supplement", "accepted"),
        ("in_review", "submitted"),
        ("accepted", "accepted"),
        ("completed", "completed"),
    ],
)
def test_a_sample_of_forbidden_changes_is_refused(current, target):
    assert not can_move(current, target)

    class D:
        code, status = "DEMO-000000-0000", current

    with pytest.raises(TransitionNotAllowed) as err:
        check_move(D, Status(target))
    assert err.value.code == "bad_status"


def test_every_other_pair_is_forbidden():
    for a, b in itertools.product(Status, Status):
        assert can_move(a, b) == ((str(a), str(b)) in ALLOWED), (a, b)
    assert sources_of(Status.ACCEPTED) == (Status.SUBMITTED, Status.IN_REVIEW)
    assert not can_move("bogus", "submitted")


@pytest.fixture
async def service(backend_settings):
    """The runtime's storage, queue and catalog, with no web server and no workers."""
    from bot.runtime import Runtime

    ids = await make_officers(backend_settings)
    runtime = Runtime(backend_settings)
    yield runtime, ids
    await runtime.stop()


def _who(ids: dict[str, int], username: str, agency: str = "DEMO", role: str = "officer") -> Principal:
    return Principal(ids[username], username, agency, role)


async def test_queries_actions_and_typed_errors_without_http(service):
    rt, ids = service
    lan, minh, hoa = _who(ids, "lan"), _who(ids, "minh", role="analyst"), _who(ids, "hoa", role="supervisor")
    khac = _who(ids, "khac", agency="OTHER")
    code = await seed_dossier(rt)
    other = await seed_dossier(rt, agency="OTHER")

    listed = await dossier_views.list_dossiers(rt, lan)
    assert [i["code"] for i in listed["items"]] == [code] and listed["counts"]["submitted"] == 1
    with pytest.raises(DossierNotFound):
        await visible(rt, khac, code)  # another agency's dossier does not exist for them
    with pytest.raises(DossierNotFound):
        await actions.perform(rt, lan, other, "accept")
    with pytest.raises(Forbidden) as forbidden:
        await actions.perform(rt, minh, code, "accept")
    assert forbidden.value.code == "forbidden_role" and forbidden.value.what == "act"

    d = await visible(rt, lan, code)
    detail = await dossier_views.dossier_detail(rt, d, lambda ref: f"/x/{ref}")
    assert detail["documents"][0]["url"].startswith("/x/d")
    assert any(w.startswith("full_name: ") for w in detail["documents"][0]["reading"]["warnings"])

    with pytest.raises(InvalidInput) as empty:
        await actions.perform(rt, lan, code, "message", text="   ")
    assert empty.value.code == "empty"
    result = await actions.perform(rt, lan, code, "accept")
    assert result["status"] == "accepted" and isinstance(result["message_id"], int)
    assert (await actions.perform(rt, lan, code, "result_ready", note="Mang CCCD"))[
        "status"
    ] == "result_ready"
    assert (await actions.perform(rt, lan, code, "complete"))["status"] == "completed"
    with pytest.raises(TransitionNotAllowed):
        await actions.perform(rt, lan, code, "complete")

    with pytest.raises(Forbidden):
        await assign(rt, lan, d, "hoa")  # only a supervisor reassigns
    with pytest.raises(InvalidInput) as unknown:
        await assign(rt, hoa, d, "khac")  # another agency's officer
    assert unknown.value.code == "unknown_officer"
    assert await assign(rt, hoa, d, "tuan") == "tuan"
    thread = await dossier_views.thread(rt, d.conversation_id, lambda ref: ref)
    # the completion notice is lan's; the unanswered survey is asked again after it, by the bot
    officers = [m for m in thread if m["author"] == "officer"]
    assert officers[-1]["officer"] == "lan" and thread.index(officers[-1]) == len(thread) - 2
    assert thread[-1]["author"] == "bot"


def test_both_adapters_offer_the_services_actions():
    from handlers.api.routes import ACTION_ROUTES
    from handlers.officer import FORM_ACTIONS
    from services.actions import ACTIONS

    assert {name for name, _, _ in ACTION_ROUTES.values()} == set(ACTIONS)
    assert set(FORM_ACTIONS.values()) | {"review"} == set(ACTIONS)  # the console reviews on opening
