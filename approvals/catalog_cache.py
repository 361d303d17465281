"""The published catalog (items, packages, departments) as the API serves it, cached in Django's cache.

Every catalog answer is the same for everybody and changes only when an administrator edits the catalog, yet
serializing a hundred items with their materials, fields and fee rules costs several queries and tens of
milliseconds. So the API keeps each answer (per path with its query string, and per language) under a catalog
*version*; any save or delete of a catalog row — and any change of an item's or a stage's many-to-many links —
writes a new version (now and again after commit, like the calendar), so every process serving the API reads
fresh answers from then on, and stale ones simply expire.

Bulk operations (bulk_create/update/QuerySet.update) send no signals: their callers call `invalidate()`.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "approvals:catalog:version"
TIMEOUT = 24 * 3600  # answers of an old version are never read again; they just expire


def _version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
        return version
    except Exception:  # the shared cache is down: serve uncached, never fail
        logger.warning("Catalog cache version unavailable", exc_info=True)
        return None


def cached(name: str, build, *, timeout: int = TIMEOUT):
    """`build()` (picklable data), cached under `name` for the current catalog version and language."""
    version = _version()
    if version is None:
        return build()
    key = f"approvals:catalog:{version}:{get_language()}:{name}"
    try:
        data = cache.get(key)
    except Exception:
        logger.warning("Catalog cache unavailable", exc_info=True)
        return build()
    if data is None:
        data = build()
        try:
            cache.set(key, data, timeout=timeout)
        except Exception:
            logger.warning("Catalog cache unavailable", exc_info=True)
    return data


def invalidate() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Could not publish a new catalog version", exc_info=True)


def catalog_changed(sender, **kwargs):
    invalidate()
    transaction.on_commit(invalidate)


def connect() -> None:
    from approvals.models import (
        Department, FeeRule, FormField, ItemField, ItemMaterial, MaterialType, Package, PackageStage, ServiceItem,
    )

    for model in (Department, FeeRule, FormField, ItemField, ItemMaterial, MaterialType, Package, PackageStage,
                  ServiceItem):
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_saved_{model.__name__}")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_deleted_{model.__name__}")
    for through in {f.remote_field.through for model in (ServiceItem, PackageStage)
                    for f in model._meta.many_to_many}:
        m2m_changed.connect(catalog_changed, sender=through, dispatch_uid=f"catalog_m2m_{through.__name__}")


connect()
