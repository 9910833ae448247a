/**
 * Gives Ink a blank screen when the terminal's width changes. Terminals that reflow (tmux,
 * iTerm2, GNOME Terminal) rewrap the frame already on screen, so it no longer occupies the
 * rows Ink erases before drawing the next one, and pieces of the old frame stay above the
 * new. Registered ahead of Ink's own listener, so Ink draws after the clear; a width change
 * always changes the frame (the borders span the width), so Ink does redraw it. A height-only
 * change needs nothing: no line is rewrapped.
 */
export function clearOnResize(stdout: NodeJS.WriteStream): () => void {
  let width = stdout.columns;
  const onResize = () => {
    if (stdout.columns !== width) stdout.write('\u001b[2J\u001b[H');
    width = stdout.columns;
  };
  stdout.prependListener('resize', onResize);
  return () => {
    stdout.off('resize', onResize);
  };
}
