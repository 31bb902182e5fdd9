"""The ``tangerang`` CKAN plugin: a table of contents of what the extension adds."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.validators
class TangerangPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "tangerang")
