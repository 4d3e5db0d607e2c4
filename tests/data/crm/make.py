#!/usr/bin/env python3
"""Writes the CRM-export fixtures of tests/crm.rs: one small world of leads
and activities, rendered for each scenario twice: as the CRM exports it
(its headers, ids, labels, time and duration formats, delimiter, encoding,
line ends) with the `accord.toml` that reads it untouched, and in accord's
own shape (`native/`) with the same ids and the same precision, so that both
must give the same verdicts. Python 3 standard library only; deterministic.

    python3 tests/data/crm/make.py      # from the repository root

Scenarios (see README.md): hubspot, salesforce-report, salesforce-dataloader,
pipedrive, excel-eu.
"""

import csv
import io
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
AMS = ZoneInfo("Europe/Amsterdam")
UTC = timezone.utc
AS_OF = "2027-04-15T12:00:00+02:00"
AS_OF_LOCAL = datetime(2027, 4, 15, 12, 0)
AGREEMENT = "rules/b2b-inbound.sla"

# ---------------------------------------------------------------------------
# The world, in the agreement's words. Times are local (Europe/Amsterdam)
# naive datetimes at minute precision: HubSpot, the Salesforce report and
# Excel write no seconds.

MEMBERS = ["ann@northwind.example", "bob@northwind.example", "carla@northwind.example"]
NAMES = {  # display names, as HubSpot, Salesforce and Pipedrive write owners
    "ann@northwind.example": "Ann Dubé",
    "bob@northwind.example": "Bob Müller",
    "carla@northwind.example": "Carla van Dijk",
}
SF_USERS = {  # Salesforce user ids (OwnerId)
    "ann@northwind.example": "0058d000004ZtAnAAK",
    "bob@northwind.example": "0058d000004ZtBoAAK",
    "carla@northwind.example": "0058d000004ZtCaAAK",
}
FIRST = ["Lieke", "Ruben", "Nina", "Jeroen", "Sanne", "Daan", "Émilie", "Jürgen", "Fleur",
         "Thijs", "Chloé", "Bram", "Sofie", "Lars", "Inès", "Koen"]
LAST = ["Smit", "Dekker", "de Jong", "Jansen", "Bakker", "Visser", "Peeters", "Müller",
        "Lefèvre", "Willems", "Mertens", "Günther", "Janssens", "Hoekstra"]
COMPANIES = ["Eikland Tech", "Zuidland Média B.V.", "Kanaal Retail B.V.", "Vlietland Agri B.V.",
             "Brücke Logistik GmbH", "Havenstad Bouw", "Polder Energie", "Duinzicht Zorg",
             "Café Noord B.V.", "Lindeboom Finance", "Gräfin Software", "Maasdal Foods"]


def world():
    rng = random.Random(2027)
    leads = []
    for i in range(60):
        while True:
            day = datetime(2027, 1, 4) + timedelta(days=rng.randrange(0, 96))
            if rng.random() < 0.7:
                minute = rng.randrange(9 * 60, 17 * 60 + 30)
            else:
                minute = rng.randrange(6 * 60, 23 * 60 + 59)
            t = day + timedelta(minutes=minute)
            if not in_gap(t) and t < datetime(2027, 4, 12):
                break
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(COMPANIES)
        domain = company.split()[0].lower().replace("é", "e").replace("ü", "u").replace("ä", "a")
        lead = {
            "i": i,
            "first": first,
            "last": last,
            "handed_off_at": t,
            "source": rng.choices(["marketing", "event", "partner"], [8, 1, 1])[0],
            "email": "" if rng.random() < 0.05 else
                     f"{ascii_of(first).lower()}.{ascii_of(last).lower().replace(' ', '')}@{domain}.example",
            "phone": "" if rng.random() < 0.15 else
                     f"+31 6 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
            "company": "" if rng.random() < 0.05 else company,
            "persona": "" if rng.random() < 0.05 else
                       rng.choices(["CEO", "Director", "Manager", "Engineer", "Other"], [2, 3, 4, 3, 2])[0],
            "offer": rng.choices(["demo request", "webinar", "ebook"], [3, 3, 4])[0],
            "owner": rng.choice(MEMBERS),
        }
        leads.append(lead)
    leads.sort(key=lambda l: l["handed_off_at"])

    acts = []

    def add(kind, at, lead_idx, **kw):
        if at >= AS_OF_LOCAL - timedelta(minutes=1) or in_gap(at):
            return
        acts.append({"kind": kind, "at": at, "leads": [lead_idx], "duration": kw.get("duration"),
                     "outcome": kw.get("outcome", ""), "status": kw.get("status", ""),
                     "actor": kw.get("actor"), "done": True})

    for idx, lead in enumerate(leads):
        t0 = lead["handed_off_at"]
        actor = lead["owner"]
        delay = rng.choices(
            [(1, 4), (6, 55), (60, 360), (1440, 4320), None], [3, 3, 2, 2, 1])[0]
        if delay is None:
            if rng.random() < 0.5:
                add("note", t0 + timedelta(minutes=rng.randrange(30, 3000)), idx, actor=actor)
            continue
        first = t0 + timedelta(minutes=rng.randrange(*delay))
        t = first
        n_calls = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        connected = False
        for c in range(n_calls):
            if c == 0 and rng.random() < 0.3:
                add("email", t, idx, actor=actor)
            if connected:
                break
            outcome = rng.choices(["no answer", "voicemail", "connected"], [5, 3, 2])[0]
            if outcome == "connected":
                connected = True
                secs = rng.choice([rng.randrange(90, 2400), rng.randrange(3600, 5400)])
            elif outcome == "voicemail":
                secs = rng.randrange(20, 75)
            else:
                secs = rng.choice([0, rng.randrange(3, 30)])
            add("call", t, idx, duration=secs, outcome=outcome, actor=actor)
            t += timedelta(minutes=rng.randrange(180, 2880))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            add("email", first + timedelta(minutes=rng.randrange(0, 7 * 1440)), idx, actor=actor)
        if n_calls == 0:
            add("email", first, idx, actor=actor)
        if connected and rng.random() < 0.6:
            add("meeting", t + timedelta(days=rng.randrange(1, 6)), idx,
                duration=rng.choice([30, 45, 60, 90]) * 60, actor=actor)
        if rng.random() < 0.75:
            status = rng.choice(["nurture", "qualified", "disqualified"]) if rng.random() > 0.05 else ""
            add("feedback", first + timedelta(minutes=rng.randrange(60, 10 * 1440)), idx,
                status=status, actor=actor)
        for _ in range(rng.choice([0, 0, 1, 2])):
            add("note", first + timedelta(minutes=rng.randrange(5, 20 * 1440)), idx, actor=actor)

    # Shared activities: an e-mail or call on two contacts of one company
    # (HubSpot lists both in one row, `id1;id2`).
    for a in rng.sample([a for a in acts if a["kind"] in ("email", "call")], 12):
        others = [j for j, l in enumerate(leads)
                  if l["handed_off_at"] < a["at"] and j not in a["leads"]]
        a["leads"].append(rng.choice(others))
    # One e-mail also went to a contact that is in no leads export (not an
    # MQL): one planted "activity of unknown lead" per scenario.
    outsider = next(a for a in acts if a["kind"] == "email" and len(a["leads"]) == 1)
    outsider["leads"].append("OUTSIDER")
    # Two calls only planned, not done (Pipedrive exports "To do" activities
    # too): no time they happened, one planted "missing time" each.
    for a in rng.sample([a for a in acts if a["kind"] == "call" and len(a["leads"]) == 1], 2):
        a["done"] = False
    rng.shuffle(acts)  # exports are not sorted by time
    return leads, acts


def ascii_of(s):
    return (s.replace("é", "e").replace("É", "E").replace("ü", "u").replace("è", "e")
            .replace("ä", "a").replace("ë", "e"))


def in_gap(t):
    """The hour that does not exist in Amsterdam on 2027-03-28."""
    return datetime(2027, 3, 28, 2, 0) <= t < datetime(2027, 3, 28, 3, 0)


def utc_of(local):
    return local.replace(tzinfo=AMS).astimezone(UTC)


def rfc3339(local):
    return local.replace(tzinfo=AMS).isoformat()


# ---------------------------------------------------------------------------
# Ids per CRM

def salesforce_18(id15):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for block in range(3):
        bits = 0
        for j, c in enumerate(id15[block * 5:block * 5 + 5]):
            if "A" <= c <= "Z":
                bits |= 1 << j
        suffix += alphabet[bits]
    return id15 + suffix


def salesforce_ids(prefix, n, seed):
    rng = random.Random(seed)
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    out, seen = [], set()
    while len(out) < n:
        tail = "".join(rng.choice(chars) for _ in range(5))
        # Ids that differ only in case are different records: keep them
        # apart for this fixture's readability.
        if tail.lower() in seen:
            continue
        seen.add(tail.lower())
        out.append(prefix + tail)
    return out


class Ids:
    """A scenario's ids: `lead(i)` as the leads export writes it, `who(i)` as
    the activities export writes it, `native(i)` as accord reports it."""

    def __init__(self, kind, n):
        self.kind = kind
        if kind == "hubspot":
            rng = random.Random(51)
            self.base = sorted(rng.sample(range(51017000, 51099000), n))
            self.outsider = "51099917"
        elif kind == "salesforce":
            self.base = salesforce_ids("00Q5g00000", n, 15)
            self.outsider = "0035g00000Xy7aQAAR"  # a Contact, not a Lead
        elif kind == "pipedrive":
            self.base = [1000 + 7 * i for i in range(n)]
            self.outsider = "9999"

    def lead(self, i):
        return str(self.base[i])  # Salesforce report: the 15-character form

    def who(self, i):
        if i == "OUTSIDER":
            return self.outsider
        if self.kind == "salesforce":
            return salesforce_18(self.base[i])
        return str(self.base[i])

    def native(self, i):
        return self.who(i)


# ---------------------------------------------------------------------------
# Writing

def write_csv(path, header, rows, *, delimiter=",", quote_all=False, encoding="utf-8",
              newline="\n", footer=""):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline,
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for row in rows:
        w.writerow([row.get(h, "") for h in header])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((buf.getvalue() + footer).encode(encoding))


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_values(values):
    out = []
    for field, words in values.items():
        out.append(f"\n[values.{field}]")
        for word, labels in words.items():
            labels = labels if isinstance(labels, list) else [labels]
            out.append(f"{toml_str(word)} = [{', '.join(toml_str(l) for l in labels)}]")
    return "\n".join(out) + "\n"


def toml_people(people):
    out = ["\n[people]"]
    for name, member in people.items():
        out.append(f"{toml_str(name)} = {toml_str(member)}")
    return "\n".join(out) + "\n"


def head(scenario_dir, depth, extra_data=""):
    up = "../" * depth
    return (f'agreement = "{up}{AGREEMENT}"\n\n[data]\nas_of = "{AS_OF}"\n{extra_data}')


def native(scenario, leads, acts, ids, *, seconds_of=lambda a: a["duration"]):
    """accord's own shape of the scenario's view of the world: the
    agreement's words, the ids accord reports, one row per lead of an
    activity, RFC 3339 times with the agreement zone's offset."""
    d = HERE / scenario / "native"
    rows = []
    for i, l in enumerate(leads):
        rows.append({"id": ids.native(i), "handed_off_at": rfc3339(l["handed_off_at"]),
                     **{k: l[k] for k in ("source", "email", "phone", "company", "persona",
                                          "offer", "owner")}})
    write_csv(d / "leads.csv", ["id", "handed_off_at", "source", "email", "phone", "company",
                                "persona", "offer", "owner"], rows)
    rows = []
    for a in acts:
        for who in a["leads"]:
            secs = seconds_of(a)
            rows.append({"lead": ids.native(who) if who != "OUTSIDER" else ids.who(who),
                         "at": rfc3339(a["at"]) if a["done"] else "",
                         "kind": a["kind"], "duration": "" if secs is None else str(secs),
                         "outcome": a["outcome"], "status": a["status"], "actor": a["actor"]})
    write_csv(d / "activities.csv", ["lead", "at", "kind", "duration", "outcome", "status",
                                     "actor"], rows)
    (d / "accord.toml").write_text(
        "# The same world as ../accord.toml reads, in accord's own shape.\n"
        + head(d, 5)
        + '\n[leads]\npath = "leads.csv"\n\n[activities]\npath = "activities.csv"\n')


def pick(rng, labels):
    return rng.choice(labels) if isinstance(labels, list) else labels


# ---------------------------------------------------------------------------
# HubSpot (and its European Excel re-save)

HS_SOURCE = {"marketing": ["Organic Search", "Paid Search", "Paid Social", "Email Marketing"],
             "event": "Offline Sources", "partner": "Referrals"}
HS_PERSONA = {"CEO": ["CEO", "Chief Executive Officer"],
              "Director": ["Sales Director", "Director of Operations"],
              "Manager": ["Marketing Manager", "IT Manager"],
              "Engineer": ["Software Engineer", "Data Engineer"],
              "Other": ["Consultant", "Student"]}
HS_OFFER = {"demo request": "Book a demo", "webinar": "Webinar: Pipeline hygiene 2027",
            "ebook": "Ebook: The SLA playbook"}
HS_OUTCOME = {"connected": "Connected", "no answer": "No answer", "voicemail": "Left voicemail"}
HS_STATUS = {"nurture": "Nurture", "qualified": "Qualified", "disqualified": "Disqualified"}
HS_TIME = "%Y-%m-%d %H:%M"
NL_TIME = "%d-%m-%Y %H:%M"


def nl_time(t):
    """Dutch Excel's short date and time: `4-3-2027 6:50`, no leading zeros."""
    return f"{t.day}-{t.month}-{t.year} {t.hour}:{t.minute:02d}"


def hubspot(scenario, leads, acts, *, excel=False):
    ids = Ids("hubspot", len(leads))
    rng = random.Random(7)
    d = HERE / scenario
    fmt = nl_time if excel else (lambda t: t.strftime(HS_TIME))
    opts = dict(delimiter=";", encoding="windows-1252", newline="\r\n") if excel else {}
    contacts = []
    for i, l in enumerate(leads):
        contacts.append({
            "Record ID": ids.lead(i), "First Name": l["first"], "Last Name": l["last"],
            "Email": l["email"], "Phone Number": l["phone"], "Company Name": l["company"],
            "Job Title": pick(rng, HS_PERSONA[l["persona"]]) if l["persona"] else "",
            "Contact owner": NAMES[l["owner"]], "Lead Status": "New",
            "Lifecycle Stage": "Marketing Qualified Lead",
            "Original Source": pick(rng, HS_SOURCE[l["source"]]),
            "First Conversion": HS_OFFER[l["offer"]],
            "Create Date": fmt(l["handed_off_at"] - timedelta(minutes=rng.randrange(0, 600))),
            "Became a Marketing Qualified Lead Date": fmt(l["handed_off_at"]),
        })
    write_csv(d / "hubspot-crm-exports-all-contacts-2027-04-15.csv",
              ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
               "Job Title", "Contact owner", "Lead Status", "Lifecycle Stage", "Original Source",
               "First Conversion", "Create Date", "Became a Marketing Qualified Lead Date"],
              contacts, **opts)
    files = {"call": [], "email": [], "meeting": [], "note": [], "feedback": []}
    for n, a in enumerate(acts):
        who = [ids.who(j) for j in a["leads"]]
        names = [f"{leads[j]['first']} {leads[j]['last']}" if j != "OUTSIDER" else "Pieter Outsider"
                 for j in a["leads"]]
        row = {"Record ID": str(73000000000 + 977 * n),
               "Activity date": fmt(a["at"]) if a["done"] else "",
               "Activity assigned to": NAMES[a["actor"]],
               "Associated Contact": ";".join(names), "Associated Contact IDs": ";".join(who)}
        if a["kind"] == "call":
            row.update({"Call Title": f"Call with {names[0]}", "Call direction": "Outbound",
                        "Call outcome": HS_OUTCOME[a["outcome"]],
                        "Call status": "Completed" if a["done"] else "Queued",
                        "Call duration": str(a["duration"] * 1000 + (n * 37) % 1000)})
        elif a["kind"] == "email":
            row.update({"Email subject": "Following up on your request",
                        "Email direction": "Outgoing email"})
        elif a["kind"] == "meeting":
            row.update({"Meeting name": "Discovery call", "Meeting outcome": "Completed"})
        elif a["kind"] == "note":
            row.update({"Note body": "Checked LinkedIn; no reply yet."})
        else:
            row.update({"Task Title": "Feedback to marketing", "Task Type": "To-do",
                        "Task status": "Completed",
                        "Lead feedback": HS_STATUS.get(a["status"], "")})
        files[a["kind"]].append(row)
    common = ["Record ID", "Activity date", "Activity assigned to", "Associated Contact",
              "Associated Contact IDs"]
    names = {
        "call": ("hubspot-crm-exports-calls-2027-04-15.csv",
                 ["Record ID", "Call Title", "Activity date", "Call direction", "Call outcome",
                  "Call status", "Call duration", "Activity assigned to", "Associated Contact",
                  "Associated Contact IDs"]),
        "email": ("hubspot-crm-exports-emails-2027-04-15.csv",
                  ["Record ID", "Email subject", "Activity date", "Email direction",
                   "Activity assigned to", "Associated Contact", "Associated Contact IDs"]),
        "meeting": ("hubspot-crm-exports-meetings-2027-04-15.csv",
                    ["Record ID", "Meeting name", "Activity date", "Meeting outcome",
                     "Activity assigned to", "Associated Contact", "Associated Contact IDs"]),
        "note": ("hubspot-crm-exports-notes-2027-04-15.csv", common[:1] + ["Note body"] + common[1:]),
        "feedback": ("hubspot-crm-exports-tasks-2027-04-15.csv",
                     ["Record ID", "Task Title", "Task Type", "Task status", "Activity date",
                      "Lead feedback", "Activity assigned to", "Associated Contact",
                      "Associated Contact IDs"]),
    }
    for kind, (name, header) in names.items():
        write_csv(d / name, header, files[kind], **opts)

    # The planted issues, as accord's own shape has them: a meeting export
    # has no duration column, so the native world has none for meetings.
    def seconds_of(a):
        if a["kind"] == "call":
            return None if a["duration"] is None else f"{a['duration']}.{(acts.index(a) * 37) % 1000:03d}"
        return None
    native(scenario, leads, acts, ids, seconds_of=seconds_of)

    tf = f'time_format = "{NL_TIME}"\n' if excel else ""
    enc = 'encoding = "windows-1252"\n' if excel else ""
    title = ("# A HubSpot export opened in Dutch Excel and saved again as \"CSV\": `;`,\n"
             "# Windows-1252, CRLF, dates `4-3-2027 6:50`. Read as saved.\n") if excel else \
            ("# HubSpot exports as downloaded: contacts, and one file per activity type\n"
             "# (HubSpot has no type column). Times are the account's zone, Amsterdam.\n")
    toml = title + head(d, 4) + f"""
[leads]
path = "hubspot-crm-exports-all-contacts-2027-04-15.csv"
preset = "hubspot-contacts"
columns = {{ offer = "First Conversion" }}
{tf}{enc}
[[activities]]
path = "hubspot-crm-exports-calls-2027-04-15.csv"
preset = "hubspot-calls"
{tf}{enc}
[[activities]]
path = "hubspot-crm-exports-emails-2027-04-15.csv"
preset = "hubspot-emails"
{tf}{enc}
[[activities]]
path = "hubspot-crm-exports-meetings-2027-04-15.csv"
preset = "hubspot-meetings"
{tf}{enc}
[[activities]]
path = "hubspot-crm-exports-notes-2027-04-15.csv"
kind = "note"
columns = {{ lead = "Associated Contact IDs", at = "Activity date", actor = "Activity assigned to" }}
split = {{ lead = ";" }}
{tf}{enc}
# Sales logs its feedback to marketing as a task with a custom property.
[[activities]]
path = "hubspot-crm-exports-tasks-2027-04-15.csv"
kind = "feedback"
columns = {{ lead = "Associated Contact IDs", at = "Activity date", actor = "Activity assigned to", status = "Lead feedback" }}
split = {{ lead = ";" }}
{tf}{enc}"""
    toml += toml_people({NAMES[m]: m for m in MEMBERS})
    toml += toml_values({"source": HS_SOURCE, "persona": HS_PERSONA, "offer": HS_OFFER,
                         "outcome": HS_OUTCOME, "status": HS_STATUS})
    (d / "accord.toml").write_text(toml)


# ---------------------------------------------------------------------------
# Salesforce

SF_SOURCE = {"marketing": ["Web", "Advertisement", "Email"], "event": "Trade Show",
             "partner": "Partner Referral"}
SF_PERSONA = {"CEO": ["CEO", "Chief Executive Officer"], "Director": ["Director", "VP Sales"],
              "Manager": ["Manager", "Marketing Manager"], "Engineer": "Engineer",
              "Other": "Consultant"}
SF_OFFER = {"demo request": "Demo Request", "webinar": "Webinar", "ebook": "eBook"}
SF_OUTCOME = {"connected": "Connected", "no answer": "No Answer", "voicemail": "Left Voicemail"}
SF_STATUS = {"nurture": "Nurture", "qualified": "Qualified", "disqualified": "Disqualified"}
SF_KIND = {"call": "Call", "email": "Email", "feedback": "Task"}
SF_REPORT_TIME = "%m/%d/%Y, %I:%M %p"
SF_FOOTER = ('\n"Grand Totals ({n} records)"\n\n"Confidential Information - Do Not Distribute"\n\n'
             '"Copyright (c) 2000-2027 salesforce.com, inc. All rights reserved."\n')


def us_time(t):
    """en_US ICU short form: `3/4/2027, 6:50 AM`."""
    hour = t.hour % 12 or 12
    return f"{t.month}/{t.day}/{t.year}, {hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def sf_utc(t):
    return utc_of(t).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def salesforce(scenario, leads, acts, *, report):
    ids = Ids("salesforce", len(leads))
    rng = random.Random(11)
    d = HERE / scenario
    up = str.upper if not report else (lambda s: s)
    lead_rows = []
    for i, l in enumerate(leads):
        persona = pick(rng, SF_PERSONA[l["persona"]]) if l["persona"] else ""
        source = pick(rng, SF_SOURCE[l["source"]])
        if report:
            lead_rows.append({
                "Lead Owner": NAMES[l["owner"]], "First Name": l["first"], "Last Name": l["last"],
                "Title": persona, "Company / Account": l["company"], "Email": l["email"],
                "Phone": l["phone"], "Lead Source": source, "Lead Status": "Open - Not Contacted",
                "Offer": SF_OFFER[l["offer"]], "Create Date": us_time(l["handed_off_at"]),
                "Lead ID": ids.lead(i)})
        else:
            lead_rows.append({
                "ID": salesforce_18(ids.lead(i)), "OWNERID": SF_USERS[l["owner"]],
                "FIRSTNAME": l["first"], "LASTNAME": l["last"], "TITLE": persona,
                "COMPANY": l["company"], "EMAIL": l["email"], "PHONE": l["phone"],
                "LEADSOURCE": source, "STATUS": "Open - Not Contacted",
                "OFFER__C": SF_OFFER[l["offer"]], "CREATEDDATE": sf_utc(l["handed_off_at"]),
                "ISCONVERTED": "false"})
    if report:
        write_csv(d / "report1712345678901.csv",
                  ["Lead Owner", "First Name", "Last Name", "Title", "Company / Account", "Email",
                   "Phone", "Lead Source", "Lead Status", "Offer", "Create Date", "Lead ID"],
                  lead_rows, quote_all=True, footer=SF_FOOTER.format(n=len(lead_rows)))
    else:
        write_csv(d / "Lead.csv",
                  ["ID", "OWNERID", "FIRSTNAME", "LASTNAME", "TITLE", "COMPANY", "EMAIL", "PHONE",
                   "LEADSOURCE", "STATUS", "OFFER__C", "CREATEDDATE", "ISCONVERTED"],
                  lead_rows, quote_all=True)

    # Data Loader: tasks (calls, e-mails, feedback), events (meetings) and
    # notes; one row per lead (a Task has one WhoId).
    tasks, events, notes = [], [], []
    n = 0
    for a in acts:
        for who in a["leads"]:
            n += 1
            base = {"Id": f"00T5g0000{n:06d}AAA"[:18], "WhoId": ids.who(who),
                    "OwnerId": SF_USERS[a["actor"]]}
            at = sf_utc(a["at"]) if a["done"] else ""
            if a["kind"] == "meeting":
                events.append({**base, "Id": f"00U5g0000{n:06d}AAA"[:18], "Subject": "Meeting",
                               "StartDateTime": at,
                               "EndDateTime": sf_utc(a["at"] + timedelta(seconds=a["duration"])),
                               "DurationInMinutes": str(a["duration"] // 60),
                               "EventSubtype": "Event", "CreatedDate": at})
            elif a["kind"] == "note":
                notes.append({"Id": f"0025g0000{n:06d}AAA"[:18], "ParentId": ids.who(who),
                              "OwnerId": SF_USERS[a["actor"]], "Title": "Note",
                              "Body": "Checked LinkedIn, no reply yet", "CreatedDate": at})
            else:
                tasks.append({**base, "Subject": {"call": "Call", "email": "Email: Your demo",
                                                  "feedback": "Feedback to marketing"}[a["kind"]],
                              "TaskSubtype": SF_KIND[a["kind"]],
                              "Status": "Completed" if a["done"] else "Not Started",
                              "CreatedDate": at, "ActivityDate": a["at"].strftime("%Y-%m-%d"),
                              "CallDurationInSeconds": str(a["duration"]) if a["kind"] == "call" else "",
                              "CallDisposition": SF_OUTCOME.get(a["outcome"], ""),
                              "CallType": "Outbound" if a["kind"] == "call" else "",
                              "Feedback_Status__c": SF_STATUS.get(a["status"], "")})

    def dl(name, header, rows):
        write_csv(d / name, [up(h) for h in header],
                  [{up(k): v for k, v in r.items()} for r in rows], quote_all=True)
    dl("Task.csv", ["Id", "WhoId", "OwnerId", "Subject", "TaskSubtype", "Status", "ActivityDate",
                    "CreatedDate", "CallDurationInSeconds", "CallDisposition", "CallType",
                    "Feedback_Status__c"], tasks)
    dl("Event.csv", ["Id", "WhoId", "OwnerId", "Subject", "StartDateTime", "EndDateTime",
                     "DurationInMinutes", "EventSubtype", "CreatedDate"], events)
    dl("Note.csv", ["Id", "ParentId", "OwnerId", "Title", "Body", "CreatedDate"], notes)

    def seconds_of(a):
        return a["duration"] if a["kind"] in ("call", "meeting") else None
    native(scenario, leads, acts, ids, seconds_of=seconds_of)

    if report:
        leads_toml = """[leads]
path = "report1712345678901.csv"
preset = "salesforce-leads-report"
columns = { offer = "Offer" }
"""
        people = {NAMES[m]: m for m in MEMBERS} | {SF_USERS[m]: m for m in MEMBERS}
        title = ("# A Salesforce Leads report (\"Details Only\", US English locale, times in the\n"
                 "# user's zone) with Tasks, Events and Notes exported with Data Loader (UTC).\n")
    else:
        leads_toml = """[leads]
path = "Lead.csv"
preset = "salesforce-leads"
columns = { offer = "Offer__c" }
"""
        people = {SF_USERS[m]: m for m in MEMBERS}
        title = ("# Lead, Task, Event and Note exported with Data Loader: upper-case API names\n"
                 "# as headers, 18-character ids, times in UTC.\n")
    toml = title + head(d, 4) + "\n" + leads_toml + """
[[activities]]
path = "Task.csv"
preset = "salesforce-tasks"
# Sales' feedback to marketing is a custom field of the task.
columns = { status = "Feedback_Status__c" }

[[activities]]
path = "Event.csv"
kind = "meeting"
columns = { lead = "WhoId", at = "StartDateTime", actor = "OwnerId", duration = "DurationInMinutes" }
duration_unit = "min"
ids = "salesforce"

[[activities]]
path = "Note.csv"
kind = "note"
columns = { lead = "ParentId", at = "CreatedDate", actor = "OwnerId" }
ids = "salesforce"
"""
    toml += toml_people(people)
    toml += toml_values({"source": SF_SOURCE, "persona": SF_PERSONA, "offer": SF_OFFER,
                         "outcome": SF_OUTCOME, "status": SF_STATUS, "kind": SF_KIND})
    (d / "accord.toml").write_text(toml)


# ---------------------------------------------------------------------------
# Pipedrive

PD_SOURCE = {"marketing": ["Web forms", "Paid ads", "Campaigns"], "event": "Events",
             "partner": "Partners"}
PD_OFFER = {"demo request": "Demo request", "webinar": "Webinar", "ebook": "E-book"}
PD_OUTCOME = {"connected": "Reached", "no answer": "No answer", "voicemail": "Voicemail"}
PD_KIND = {"call": "Call", "email": "Email", "meeting": "Meeting", "feedback": "Feedback",
           "note": "Task"}
PD_TIME = "%Y-%m-%d %H:%M:%S"


def minutes_of(secs):
    """Pipedrive keeps durations in whole minutes (`HH:MM`): rounded up."""
    return -(-secs // 60)


def pipedrive(scenario, leads, acts):
    ids = Ids("pipedrive", len(leads))
    rng = random.Random(13)
    d = HERE / scenario
    deals = []
    for i, l in enumerate(leads):
        deals.append({
            "Deal - ID": ids.lead(i), "Deal - Title": f"{l['company'] or l['last']} deal",
            "Deal - Value": str(rng.choice([6000, 12000, 18000])), "Deal - Currency": "EUR",
            "Deal - Owner": NAMES[l["owner"]], "Deal - Status": "Open",
            "Deal - Stage": "Qualified", "Deal - Pipeline": "Inbound",
            "Deal - Organization": l["company"],
            "Deal - Contact person": f"{l['first']} {l['last']}",
            "Deal - Deal created": utc_of(l["handed_off_at"]).strftime(PD_TIME),
            "Deal - Source": pick(rng, PD_SOURCE[l["source"]]),
            "Deal - Offer": PD_OFFER[l["offer"]],
            "Person - Email": l["email"], "Person - Phone": l["phone"],
            "Person - Job title": l["persona"],
        })
    write_csv(d / "deals-15-04-2027.csv", list(deals[0].keys()), deals)
    rows = []
    n = 0
    for a in acts:
        for who in a["leads"]:
            n += 1
            u = utc_of(a["at"])
            mins = minutes_of(a["duration"]) if a["duration"] is not None else None
            rows.append({
                "Activity - ID": str(5000 + n),
                "Activity - Subject": {"call": "Call", "email": "Follow-up e-mail",
                                       "meeting": "Discovery meeting", "note": "Research",
                                       "feedback": "Feedback to marketing"}[a["kind"]],
                "Activity - Type": PD_KIND[a["kind"]],
                "Activity - Due date": u.strftime("%Y-%m-%d"),
                "Activity - Due time": u.strftime("%H:%M"),
                "Activity - Duration": "" if mins is None else f"{mins // 60:02d}:{mins % 60:02d}",
                "Activity - Done": "Done" if a["done"] else "To do",
                "Activity - Marked as done time": u.strftime(PD_TIME) if a["done"] else "",
                "Activity - Assigned to user": NAMES[a["actor"]],
                "Activity - Add time": (u - timedelta(minutes=5)).strftime(PD_TIME),
                "Activity - Deal": (leads[who]["company"] or leads[who]["last"]) + " deal"
                                   if who != "OUTSIDER" else "Outsider deal",
                "Activity - Deal ID": ids.who(who),
                "Activity - Outcome": PD_OUTCOME.get(a["outcome"], ""),
                "Activity - Feedback": a["status"].capitalize(),
            })
    write_csv(d / "activities-15-04-2027.csv", list(rows[0].keys()), rows)

    def seconds_of(a):
        return None if a["duration"] is None else minutes_of(a["duration"]) * 60
    native(scenario, leads, acts, ids, seconds_of=seconds_of)

    toml = ("# Pipedrive: Deals and Activities → Export filter results (CSV). Pipedrive\n"
            "# writes times in UTC, without an offset.\n"
            + head(d, 4, 'timezone = "UTC"\n') + """
[leads]
path = "deals-15-04-2027.csv"
preset = "pipedrive-deals"
columns = { offer = "Deal - Offer", email = "Person - Email", phone = "Person - Phone", persona = "Person - Job title", company = "Deal - Organization" }

[activities]
path = "activities-15-04-2027.csv"
preset = "pipedrive-activities"
columns = { outcome = "Activity - Outcome", status = "Activity - Feedback" }
""")
    toml += toml_people({NAMES[m]: m for m in MEMBERS})
    toml += toml_values({"source": PD_SOURCE, "offer": PD_OFFER, "outcome": PD_OUTCOME,
                         "kind": PD_KIND, "status": {s: s.capitalize() for s in
                                                     ("nurture", "qualified", "disqualified")}})
    (d / "accord.toml").write_text(toml)


def main():
    leads, acts = world()
    for scenario in ["hubspot", "salesforce-report", "salesforce-dataloader", "pipedrive",
                     "excel-eu"]:
        shutil.rmtree(HERE / scenario, ignore_errors=True)
    hubspot("hubspot", leads, acts)
    hubspot("excel-eu", leads, acts, excel=True)
    salesforce("salesforce-report", leads, acts, report=True)
    salesforce("salesforce-dataloader", leads, acts, report=False)
    pipedrive("pipedrive", leads, acts)


if __name__ == "__main__":
    main()
