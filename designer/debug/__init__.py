"""The GUI front end of the debug gate: runs on the Qt event loop through qasync."""
