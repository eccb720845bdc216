"""The canvas: a QGraphicsScene that projects the document, and the view the user works in."""
