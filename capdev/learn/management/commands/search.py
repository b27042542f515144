"""`capdev search TEXT`: ranked results of the one search over all knowledge."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.html import strip_tags

from capdev.core.models import Grant, Role
from capdev.learn import search as index
from capdev.learn.selectors import search as selectors


class Command(BaseCommand):
    help = (
        "Search needs, lessons, good practices, evaluations (with their documents), "
        "recommendations, activities and plans; or rebuild the search index (--rebuild)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("text", nargs="*", help="Words to find.")
        parser.add_argument("--kind", choices=list(selectors.KIND_LABELS), action="append")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument(
            "--user", help="See the results as this user does (default: as an administrator)."
        )
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the whole index first.")

    def handle(self, *args, text, kind, limit, user, rebuild, **options) -> None:
        if rebuild:
            counts = index.rebuild()
            total = sum(counts.values())
            detail = ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))
            self.stdout.write(f"Search index rebuilt: {total} entries ({detail}).")
        query = " ".join(text).strip()
        if not query:
            if not rebuild:
                raise CommandError("Give words to search for, or --rebuild.")
            return
        viewer = self._viewer(user)
        hits = selectors.search(viewer, query, kinds=kind or [], limit=limit)
        if not hits:
            self.stdout.write(f"Nothing found for “{query}”.")
            return
        for number, hit in enumerate(hits, 1):
            snippet = strip_tags(str(hit.snippet))
            self.stdout.write(
                f"{number:>3}. [{hit.kind}] {hit.title}  (#{hit.id}, rank {hit.rank:.3f})"
            )
            if snippet:
                self.stdout.write(f"     {snippet[:200]}")

    def _viewer(self, username: str | None):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist as error:
                raise CommandError(f"No user named {username!r}.") from error
        # As an administrator sees it: an unsaved superuser holding the admin grant.
        viewer = User(username="capdev-cli", is_superuser=True)
        viewer._capdev_grants = [Grant(role=Role.ADMIN)]
        return viewer
