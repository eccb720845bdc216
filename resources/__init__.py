"""StateCanvas's bundled files: the example projects, and any icon or theme files.

Installed as the package `statecanvas_resources` (see setup.py); code finds these files through
`engine.bundled.bundled_path`, never through a path relative to the source tree."""
