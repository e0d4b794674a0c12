"""Move each shipped campaign's translations out of the interface's catalogs into its own.

A campaign's messages used to live in the project's one catalog (locales/<lang>/LC_MESSAGES/
messages.po). Each campaign now keeps its own (campaigns/<id>/locales/<lang>/LC_MESSAGES/
campaign.po), so this script, for every shipped campaign and every language of the interface:

1. extracts the campaign's English (campaigns/<id>/locales/campaign.pot);
2. copies each of its messages' translation (string, flags, translator comments, previous
   English) from the interface's catalog into the campaign's, preferring a finished one:
   a translation in the interface's catalog that is done and not fuzzy wins over the campaign's
   (that is where a branch made before the move put its French), else the campaign's own;
3. re-extracts the interface's English and drops the moved messages from its catalogs, active
   or obsolete;
4. compiles every catalog it wrote.

Safe to run again, e.g. after merging a branch that still added campaign French to
locales/fr/LC_MESSAGES/messages.po: what is already moved stays, what came in moves.

    .venv/bin/python scripts/move_campaign_catalogs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message

from letters.campaign import CAMPAIGN_FILE
from letters.resources import campaigns_dir
from letters.translation import catalog as cat


def _finished(message: Message | None) -> bool:
    return cat.status(message) == "translated"


def _copy(message: Message) -> Message:
    return Message(
        message.id,
        message.string,
        flags=message.flags,
        user_comments=message.user_comments,
        previous_id=message.previous_id,
        context=message.context,
    )


def _obsolete(po: Catalog, message: Message) -> Message | None:
    for old in po.obsolete.values():
        if old.id == message.id and old.context == message.context:
            return old
    return None


def move_campaign(campaign: cat.Catalogs, interface: cat.Catalogs) -> list[Path]:
    template = campaign.extract()
    written = [cat.write_pot(template, catalogs=campaign)]
    for lang in interface.languages():
        source = cat.load_po(lang, interface)
        path = campaign.po_path(lang)
        own = cat.load_po(lang, campaign) if path.is_file() else _blank(lang, source, campaign)
        for message in template:
            if not message.id:
                continue
            theirs = source.get(message.id, message.context) or _obsolete(source, message)
            mine = own.get(message.id, message.context)
            if theirs is not None and (_finished(theirs) or not _finished(mine)):
                if mine is not None:
                    own.delete(message.id, message.context)
                own[message.id] = _copy(theirs)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(cat._po_bytes(own, include_previous=True))
        cat.update(lang, template, campaign)  # locations and comments from the template
        written.append(path)
    return written


def _blank(lang: str, source: Catalog, campaign: cat.Catalogs) -> Catalog:
    """A new catalog for the campaign, with the interface catalog's header."""
    blank = Catalog(
        locale=Locale.parse(lang),
        domain=campaign.domain,
        project=campaign.campaign,
        charset="utf-8",
        fuzzy=False,
        language_team=source.language_team,
        last_translator=source.last_translator,
        creation_date=source.creation_date,
        revision_date=source.revision_date,
    )
    blank.mime_headers = [("Plural-Forms", source.plural_forms)]  # the interface's rule
    return blank


def drop_moved(interface: cat.Catalogs, moved: set[tuple]) -> list[Path]:
    """The interface's catalogs without the campaigns' messages (active or obsolete)."""
    template = interface.extract()
    written = [cat.write_pot(template, catalogs=interface)]
    for lang in interface.languages():
        cat.update(lang, template, interface)  # the campaigns' messages become obsolete
        po = cat.load_po(lang, interface)
        for key, message in list(po.obsolete.items()):
            if (message.id, message.context) in moved:
                del po.obsolete[key]
        path = interface.po_path(lang)
        cat._write_if_changed(path, cat._po_bytes(po, include_previous=True))
        written.append(path)
    return written


def main() -> int:
    interface = cat.interface_catalogs()
    campaigns = [
        cat.campaign_catalogs(p.parent) for p in sorted(campaigns_dir().glob(f"*/{CAMPAIGN_FILE}"))
    ]
    moved: set[tuple] = set()
    for campaign in campaigns:
        for path in move_campaign(campaign, interface):
            print(path)
        moved |= {(m.id, m.context) for m in campaign.extract() if m.id}
    for path in drop_moved(interface, moved):
        print(path)
    for catalogs in (interface, *campaigns):
        for lang in catalogs.languages():
            mo, _ = cat.compile_catalog(lang, catalogs=catalogs)
            print(mo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
