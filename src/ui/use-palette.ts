import { createContext, useContext } from 'react';
import { colourPalette, type Palette } from './palette.js';

/** The palette for every view: App provides the no-colour one under NO_COLOR / --no-color. */
export const PaletteContext = createContext<Palette>(colourPalette);

export function usePalette(): Palette {
  return useContext(PaletteContext);
}
