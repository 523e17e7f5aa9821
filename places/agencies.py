"""The one-stop offices of a deployment, as data: which communes each serves, its code (the prefix
of its dossier codes), receiving address, opening hours, phone and the procedures it accepts.

A deployment without an agencies file is the single office of the settings (`AGENCY_CODE`,
`AGENCY_NAME`) serving everyone: nothing is routed and the conversation asks nothing more. With a
file (`python -m bot agencies import FILE`), every dossier goes to the office serving the citizen's
commune; a commune no office here serves is told where its own office is (`elsewhere`), or, for a
procedure that may be filed anywhere (Decree 118/2025: `anywhere`), offered the choice.

File shape (YAML; sentences are the deployment's own, in Vietnamese):

    province: "79"                      # assumed when an address names no province (optional)
    anywhere: [can_cuoc, chung_thuc_ban_sao]
    agencies:
      - code: XOMCHIEU                  # [A-Z0-9]{2,16}
        name: UBND phường Xóm Chiếu
        communes: ["27259"]             # 2025 codes, or names "Phường Xóm Chiếu, TP.HCM"; "*" = all
        address: ...
        hours: ...
        phone: ...
        procedures: [khai_sinh, ...]    # omitted: every procedure of the catalog
    elsewhere:                          # offices of other communes, to tell citizens (optional)
      - {name: ..., communes: [...], address: ..., phone: ..., hours: ...}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .resolver import SURE, Resolver
from .units import Commune, units

ALL = "*"


class AgenciesError(ValueError):
    """An agencies file that cannot be used; the message names the file and the entry."""


class Office(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    communes: tuple[str, ...] = ()
    address: str = ""
    hours: str = ""
    phone: str = ""


class Agency(Office):
    code: str = Field(pattern=r"^[A-Z0-9]{2,16}$")
    procedures: tuple[str, ...] | None = None  # None: all

    def accepts(self, procedure: str | None) -> bool:
        return self.procedures is None or procedure is None or procedure in self.procedures

    @property
    def serves_all(self) -> bool:
        return ALL in self.communes


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province: str | None = None
    anywhere: tuple[str, ...] = ()
    agencies: tuple[Agency, ...] = Field(min_length=1)
    elsewhere: tuple[Office, ...] = ()

    @field_validator("province", mode="before")
    @classmethod
    def _two_digits(cls, v: Any) -> Any:
        return f"{int(v):02d}" if isinstance(v, int | str) and str(v).isdigit() else v


class Directory:
    """The agencies of a deployment, with the commune → agency index (communes as 2025 codes)."""

    def __init__(
        self,
        agencies: list[Agency],
        anywhere: tuple[str, ...] = (),
        elsewhere: tuple[Office, ...] = (),
        province: str | None = None,
        routed: bool = True,
    ) -> None:
        self.agencies = agencies
        self.anywhere = set(anywhere)
        self.elsewhere = elsewhere
        self.province = province
        self.routed = routed  # False: the single office of the settings, serving everyone
        self.resolver = Resolver(province_hint=province, converter=False)
        self._by_commune: dict[str, list[Agency]] = {}
        for agency in agencies:
            for code in agency.communes:
                self._by_commune.setdefault(code, []).append(agency)
        self._offices = {code: office for office in elsewhere for code in office.communes}

    @classmethod
    def single(cls, code: str, name: str) -> Directory:
        """The default deployment: one office (the settings'), everyone served, nothing asked."""
        return cls([Agency(code=code, name=name, communes=(ALL,))], routed=False)

    @classmethod
    def load(cls, path: Path) -> Directory:
        """Read and check an agencies file; communes written as names are resolved to codes."""
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            data = _File.model_validate(raw)
        except (OSError, yaml.YAMLError, ValidationError) as e:
            raise AgenciesError(f"{path}: {e}") from e
        resolver = Resolver(province_hint=data.province, converter=False)
        codes = {a.code for a in data.agencies}
        if len(codes) != len(data.agencies):
            raise AgenciesError(f"{path}: two agencies with one code")

        def coded(where: str, communes: tuple[str, ...]) -> tuple[str, ...]:
            out = []
            for item in communes:
                if item == ALL or units().commune(item):
                    out.append(item)
                    continue
                found = resolver.resolve(item)
                if not found.found or found.confidence < SURE:
                    raise AgenciesError(f"{path}: {where}: commune {item!r} not found (write its 2025 code)")
                assert found.ward_code is not None
                out.append(found.ward_code)
            return tuple(out)

        agencies = [a.model_copy(update={"communes": coded(a.code, a.communes)}) for a in data.agencies]
        offices = tuple(o.model_copy(update={"communes": coded(o.name, o.communes)}) for o in data.elsewhere)
        return cls(agencies, data.anywhere, offices, data.province)

    def dump(self) -> str:
        """The directory as a file (communes as codes), as `agencies import` installs it."""
        data: dict[str, Any] = {
            "province": self.province,
            "anywhere": sorted(self.anywhere),
            "agencies": [
                {"code": a.code, **a.model_dump(exclude_defaults=True, exclude={"code"})}
                for a in self.agencies
            ],
            "elsewhere": [o.model_dump(exclude_defaults=True) for o in self.elsewhere],
        }
        data = {k: v for k, v in data.items() if v}
        return yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False, width=110)

    # ---- lookups ---------------------------------------------------------------------------
    def by_code(self, code: str | None) -> Agency | None:
        return next((a for a in self.agencies if a.code == code), None)

    @property
    def default(self) -> Agency:
        """The deployment's main office (the first listed)."""
        return self.agencies[0]

    def serving(self, commune: str, procedure: str | None = None) -> Agency | None:
        """The office here that takes this commune's dossiers for `procedure` (None: none here)."""
        for agency in [*self._by_commune.get(commune, []), *self._by_commune.get(ALL, [])]:
            if agency.accepts(procedure):
                return agency
        return None

    def office_elsewhere(self, commune: str) -> Office | None:
        """The listed office of another commune (to tell a citizen how to reach it)."""
        return self._offices.get(commune)

    def may_file_anywhere(self, procedure: str | None) -> bool:
        return procedure in self.anywhere

    def communes_of(self, agency: Agency) -> list[Commune]:
        u = units()
        return [c for c in (u.commune(code) for code in agency.communes) if c]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def load_directory(path: str | Path | None, agency_code: str, agency_name: str) -> Directory:
    """The deployment's directory: the agencies file when there is one, else the single office."""
    if path and Path(path).is_file():
        return Directory.load(Path(path))
    return Directory.single(agency_code, agency_name)
