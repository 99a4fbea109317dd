"""UN/EDIFACT writer of the synthetic port: Manifest → CUSCAR D95B, equipment events → CODECO / COARRI D95B.

Everything the EDIFACT reader (``cargoscreen.ingest.edifact``) reads is written, so that reading the output
gives back the records. Character set UNOC (latin-1), or UNOW (UTF-8) when a text needs more; ``+ : ' ?``
are released with ``?``; one segment a line.

Round-trip limits (texts): free text longer than a component is wrapped at spaces and read back joined by
one space, so a word longer than a component (35 characters in names and marks, 70 in descriptions),
repeated or edge spaces do not survive. Times are written to the second (203, or 204 with seconds),
naive times are taken as UTC. ``hs_raw`` is written as ``PIA+5+<hs_raw>:HS`` when it is the code itself
(dots and national digits allowed), as ``PCI+24+<hs_raw>`` marks otherwise.
Events: only actual (``ACT``) events; latitude/longitude are not written; ``event_id`` survives when it has
the reader's form ``<sender>/<interchange>/<message>/<container>``, whose message reference is reused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType
from cargoscreen.domain.records import Consignment, Equipment, GoodsItem, Manifest, Party, VesselCall

Element = str | tuple[str, ...]

UNA = "UNA:+.? '"
_RELEASE = re.compile(r"([?+:'])")
_PHASES = {"IMPORT": "3", "EXPORT": "2", "TRANSSHIPMENT": "6"}
CODECO_CODES = {EquipmentEventType.GATED_IN: "34", EquipmentEventType.GATED_OUT: "36"}
COARRI_CODES = {EquipmentEventType.DISCHARGED: "44", EquipmentEventType.LOADED: "46"}
_REPORT_PLACES = dict.fromkeys(CODECO_CODES, "165") | dict(zip(COARRI_CODES, ("11", "9"), strict=True))


def segment(tag: str, *elements: Element) -> str:
    """One segment with released characters; trailing empty components and elements left out."""
    parts = []
    for element in elements:
        components = [element] if isinstance(element, str) else list(element)
        while components and not components[-1]:
            components.pop()
        parts.append(":".join(_RELEASE.sub(r"?\1", c) for c in components))
    while parts and not parts[-1]:
        parts.pop()
    return "+".join([tag, *parts]) + "'"


def wrap(text: str, width: int) -> tuple[str, ...]:
    """Cut a text into pieces of at most ``width`` characters at spaces (long words are cut hard)."""
    if len(text) <= width:
        return (text,)
    pieces: list[str] = []
    current: str | None = None
    for word in text.split(" "):
        while len(word) > width:
            pieces.extend([current] if current is not None else [])
            current = None
            pieces.append(word[:width])
            word = word[width:]
        if current is not None and len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            pieces.extend([current] if current is not None else [])
            current = word
    pieces.extend([current] if current is not None else [])
    return tuple(pieces)


def _time(qualifier: str, moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    if moment.second:
        return segment("DTM", (qualifier, moment.strftime("%Y%m%d%H%M%S"), "204"))
    return segment("DTM", (qualifier, moment.strftime("%Y%m%d%H%M"), "203"))


def _number(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return f"{value:.9f}".rstrip("0").rstrip(".") if "e" in text else text


def _weight(gross_kg: float | None) -> list[str]:
    return [] if gross_kg is None else [segment("MEA", "AAE", "G", ("KGM", _number(gross_kg)))]


def _loc(qualifier: str, un_locode: str | None) -> list[str]:
    return [] if un_locode is None else [segment("LOC", qualifier, (un_locode, "", "6"))]


def _message(reference: str, message_type: str, body: list[str], association: str = "") -> list[str]:
    unh = segment("UNH", reference, (message_type, "D", "95B", "UN", association))
    return [unh, *body, segment("UNT", str(len(body) + 2), reference)]


def _interchange(
    messages: list[list[str]], sender: str, recipient: str, reference: str, prepared: datetime
) -> bytes:
    body = [line for message in messages for line in message]
    needs_utf8 = any(ord(char) > 0xFF for line in body for char in line)
    syntax = ("UNOW", "4") if needs_utf8 else ("UNOC", "3")
    prepared = prepared.astimezone(UTC) if prepared.tzinfo else prepared
    unb = segment(
        "UNB", syntax, sender, recipient, (prepared.strftime("%y%m%d"), prepared.strftime("%H%M")), reference
    )
    lines = [UNA, unb, *body, segment("UNZ", str(len(messages)), reference)]
    return ("\n".join(lines) + "\n").encode("utf-8" if needs_utf8 else "latin-1")


def write_cuscar(manifest: Manifest, *, prepared: datetime | None = None) -> bytes:
    """A whole interchange (UNA, UNB UNOC:3, one CUSCAR D95B message, UNZ) holding the manifest."""
    return write_cuscar_interchange([manifest], prepared=prepared)


def write_cuscar_interchange(manifests: Sequence[Manifest], *, prepared: datetime | None = None) -> bytes:
    """Several manifests of one sender, recipient and interchange reference as one interchange."""
    first = manifests[0]
    if any(
        (m.sender, m.recipient, m.interchange_ref) != (first.sender, first.recipient, first.interchange_ref)
        for m in manifests
    ):
        raise ValueError("manifests of one interchange must share sender, recipient and interchange_ref")
    messages = [_message(m.message_ref, "CUSCAR", _cuscar_body(m)) for m in manifests]
    when = prepared or first.document_time or datetime(2000, 1, 1, tzinfo=UTC)
    return _interchange(messages, first.sender, first.recipient, first.interchange_ref, when)


def _cuscar_body(manifest: Manifest) -> list[str]:
    body = [segment("BGM", "85", manifest.document_number, "9")]
    if manifest.document_time is not None:
        body.append(_time("137", manifest.document_time))
    body.extend(_vessel(manifest.vessel_call))
    for equipment in manifest.equipment:
        body.extend(_equipment(equipment))
    for number, consignment in enumerate(manifest.consignments, start=1):
        body.extend(_consignment(number, consignment))
    return body


def _vessel(call: VesselCall) -> list[str]:
    transport = (call.imo_number, "146", "", call.vessel_name)
    lines = [segment("TDT", "20", call.voyage_number, "1", "", call.carrier, "", "", transport)]
    lines += _loc("60", call.port_of_call)
    for port in call.previous_ports:
        lines += _loc("94", port)
    lines += [_time("132", call.eta)] if call.eta else []
    lines += [_time("178", call.ata)] if call.ata else []
    return lines


def _equipment(equipment: Equipment) -> list[str]:
    size_type = (equipment.size_type, "102", "5")
    eqd = segment(
        "EQD", "CN", equipment.container_number, size_type, "", equipment.movement, equipment.full_empty
    )
    seals = [segment("SEL", seal.seal_number, seal.source.value) for seal in equipment.seals]
    return [eqd, *_weight(equipment.gross_kg), *seals]


def _consignment(number: int, consignment: Consignment) -> list[str]:
    bill = consignment.bill_of_lading
    lines = [segment("CNI", str(number), bill), segment("RFF", ("BM", bill))]
    lines += _loc("76", consignment.place_of_origin) + _loc("9", consignment.port_of_loading)
    for port in consignment.transhipment_ports:
        lines += _loc("13", port)
    lines += _loc("11", consignment.port_of_discharge)
    parties = {"CZ": consignment.consignor, "CN": consignment.consignee, "N1": consignment.notify}
    for qualifier, party in parties.items():
        lines += _party(qualifier, party) if party is not None else []
    for item in consignment.goods_items:
        lines += _goods_item(item)
    return lines


def _party(qualifier: str, party: Party) -> list[str]:
    name, street = wrap(party.name, 35), wrap(party.street, 35)
    nad = segment("NAD", qualifier, "", "", name, street, party.city, "", party.postcode, party.country)
    return [nad] + ([segment("RFF", ("AHP", party.eori))] if party.eori else [])


def _goods_item(item: GoodsItem) -> list[str]:
    packages = ("" if item.packages is None else str(item.packages), item.package_type)
    lines = [segment("GID", str(item.item_number), packages)]
    pieces = wrap(item.description, 70) if item.description else ()
    lines += [segment("FTX", "AAA", "", "", pieces[i : i + 5]) for i in range(0, len(pieces), 5)]
    lines += _weight(item.gross_kg)
    for placement in item.placements:
        count = "" if placement.packages is None else str(placement.packages)
        lines.append(segment("SGP", placement.container_number, count))
    return lines + _hs(item)


def _hs(item: GoodsItem) -> list[str]:
    raw, code = item.hs_raw, item.hs_code
    digits = re.sub(r"[\s.]", "", raw)
    if raw and code and digits.isdigit() and digits[:6] == code:
        return [segment("PIA", "5", (raw, "HS"))]
    if raw:
        return [segment("PCI", "24", wrap(raw, 35))]
    return [segment("PIA", "5", (code, "HS"))] if code else []


def write_codeco(
    events: Sequence[EquipmentEvent],
    sender: str,
    interchange_ref: str,
    *,
    recipient: str = "",
    prepared: datetime | None = None,
) -> bytes:
    """GATED_IN / GATED_OUT events as CODECO gate-in (BGM+34) / gate-out (BGM+36) messages."""
    return _write_reports(
        events, "CODECO", CODECO_CODES, (sender, recipient, interchange_ref), prepared, None
    )


def write_coarri(
    events: Sequence[EquipmentEvent],
    sender: str,
    interchange_ref: str,
    *,
    recipient: str = "",
    prepared: datetime | None = None,
    vessel: VesselCall | None = None,
) -> bytes:
    """DISCHARGED / LOADED events as COARRI discharge (BGM+44) / loading (BGM+46) reports."""
    return _write_reports(
        events, "COARRI", COARRI_CODES, (sender, recipient, interchange_ref), prepared, vessel
    )


def _write_reports(
    events: Sequence[EquipmentEvent],
    message_type: str,
    codes: dict[EquipmentEventType, str],
    parties: tuple[str, str, str],
    prepared: datetime | None,
    vessel: VesselCall | None,
) -> bytes:
    if not events:
        raise ValueError(f"no events to write as {message_type}")
    sender, recipient, reference = parties
    messages = []
    when = prepared or max(event.event_time for event in events)
    for message_ref, group in _by_message(events, codes, sender, reference).items():
        header = [segment("BGM", codes[group[0].event_type], message_ref, "9"), _time("137", when)]
        header += _vessel(vessel)[:1] if vessel else []
        body = [line for event in group for line in _report_equipment(event)]
        body.append(segment("CNT", ("16", str(len(group)))))
        messages.append(_message(message_ref, message_type, header + body, "ITG14"))
    return _interchange(messages, sender, recipient, reference, when)


def _by_message(
    events: Sequence[EquipmentEvent], codes: dict[EquipmentEventType, str], sender: str, reference: str
) -> dict[str, list[EquipmentEvent]]:
    prefix = f"{sender}/{reference}/"
    explicit = {e.event_id[len(prefix) :].split("/")[0] for e in events if e.event_id.startswith(prefix)}
    automatic: dict[EquipmentEventType, str] = {}
    messages: dict[str, list[EquipmentEvent]] = {}
    for event in events:
        if event.event_type not in codes or event.classifier != "ACT":
            raise ValueError(f"{event.event_id}: {event.classifier} {event.event_type} is not expressible")
        if event.event_id.startswith(prefix):
            message_ref = event.event_id[len(prefix) :].split("/")[0]
        elif event.event_type in automatic:
            message_ref = automatic[event.event_type]
        else:
            message_ref = automatic[event.event_type] = _free_reference(explicit | set(automatic.values()))
        group = messages.setdefault(message_ref, [])
        if group and group[0].event_type != event.event_type:
            raise ValueError(f"message {message_ref} mixes {group[0].event_type} and {event.event_type}")
        group.append(event)
    return messages


def _free_reference(taken: set[str]) -> str:
    return next(str(n) for n in range(1, len(taken) + 2) if str(n) not in taken)


def _report_equipment(event: EquipmentEvent) -> list[str]:
    size_type = (event.size_type, "102", "5") if event.size_type else ""
    phase = _PHASES[event.transport_phase] if event.transport_phase else ""
    fe = event.full_empty.value if event.full_empty else ""
    lines = [segment("EQD", "CN", event.container_number, size_type, "", phase, fe)]
    lines += [segment("RFF", ("BN", event.reference))] if event.reference else []
    lines.append(_time("7", event.event_time))
    if event.un_locode:
        place = (event.un_locode, "139", "6")
        facility = (event.facility_code, "TER", "ZZZ") if event.facility_code else ""
        lines.append(segment("LOC", _REPORT_PLACES[event.event_type], place, facility))
    lines += _weight(event.gross_kg)
    return lines + [segment("SEL", seal.seal_number, seal.source.value) for seal in event.seals]
