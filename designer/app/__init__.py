"""The application shell: starting the designer, the main window with its menus and actions, the
dialogs and docks it opens (export, deploy and pull, serve locally, machine actions), and
`recovery/`, the autosave that keeps unsaved work safe.

The package exports what starting the designer needs (`application`, `display_problem`, `run`).
The window itself is `designer.app.main_window.MainWindow`: importing it loads the canvas, the
panels and the debugger, so `statecanvas design` without a display answers before paying for them.
"""

from designer.app.launch import application, display_problem, run

__all__ = ["application", "display_problem", "run"]
