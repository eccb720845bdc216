"""Graphics items: states, containers, edges, machine frames and event resources."""
