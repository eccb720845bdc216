"""StateCanvas's designer: the Qt front end over the engine."""
