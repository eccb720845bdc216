"""One handler per state type: `async def run(run: StateRun) -> StateResult`."""
