/**
 * A 5x7 dot-matrix font for printable ASCII, drawn for Vigil's snapshot OSDs. Each glyph is seven
 * rows of five bits, bit 4 the leftmost column. Characters outside the set render as '?'.
 */

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** One blank column and row between glyphs and lines. */
export const CELL_WIDTH = GLYPH_WIDTH + 1;
export const CELL_HEIGHT = GLYPH_HEIGHT + 1;

// Rows as hex pairs, for ' ' (0x20) through '~' (0x7E) in order.
const DATA = [
  '00000000000000', '04040404040004', '0a0a0000000000', '0a0a1f0a1f0a0a', '040f140e051e04', '18190204081303', '0c121408151209', '04040000000000',
  '02040808080402', '08040202020408', '0004150e150400', '0004041f040400', '000000000c0408', '0000001f000000', '00000000000c0c', '00010204081000',
  '0e11131519110e', '040c040404040e', '0e11010204081f', '1f02040201110e', '02060a121f0202', '1f101e0101110e', '0608101e11110e', '1f010204080808',
  '0e11110e11110e', '0e11110f01020c', '000c0c000c0c00', '000c0c000c0408', '02040810080402', '00001f001f0000', '08040201020408', '0e110102040004',
  '0e11010d15150e', '0e1111111f1111', '1e11111e11111e', '0e11101010110e', '1c12111111121c', '1f10101e10101f', '1f10101e101010', '0e11101711110f',
  '1111111f111111', '0e04040404040e', '0702020202120c', '11121418141211', '1010101010101f', '111b1515111111', '11111915131111', '0e11111111110e',
  '1e11111e101010', '0e11111115120d', '1e11111e141211', '0f10100e01011e', '1f040404040404', '1111111111110e', '11111111110a04', '1111111515150a',
  '11110a040a1111', '1111110a040404', '1f01020408101f', '0e08080808080e', '00100804020100', '0e02020202020e', '040a1100000000', '0000000000001f',
  '08040200000000', '00000e010f110f', '1010161911111e', '00000e1010110e', '01010d1311110f', '00000e111f100e', '0609081c080808', '000f11110f010e',
  '10101619111111', '04000c0404040e', '0200060202120c', '10101214181412', '0c04040404040e', '00001a15151111', '00001619111111', '00000e1111110e',
  '00001e111e1010', '00000d130f0101', '00001619101010', '00000e100e011e', '08081c08080906', '0000111111130d', '00001111110a04', '0000111115150a',
  '0000110a040a11', '000011110f010e', '00001f0204081f', '02040408040402', '04040404040404', '08040402040408', '00000815020000',
];

const GLYPHS: Uint8Array[] = DATA.map((hex) => {
  if (hex.length !== GLYPH_HEIGHT * 2) throw new Error(`font: bad glyph data '${hex}'`);
  return Uint8Array.from({ length: GLYPH_HEIGHT }, (_, i) => parseInt(hex.substring(i * 2, i * 2 + 2), 16));
});

/** The rows of a character's glyph. */
export function glyph(ch: string): Uint8Array {
  const code = ch.charCodeAt(0);
  return GLYPHS[code >= 0x20 && code <= 0x7e ? code - 0x20 : 0x3f - 0x20]!;
}

/** Width and height in pixels of a single-line text at an integer scale. */
export function textSize(text: string, scale: number): { width: number; height: number } {
  return { width: Math.max(0, text.length * CELL_WIDTH - 1) * scale, height: GLYPH_HEIGHT * scale };
}
