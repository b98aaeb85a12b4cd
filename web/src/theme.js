// Mood themes: validate a Theme from the server and apply it as CSS custom properties.
//
// Only the names in THEME_PROPERTIES are ever set, each with a value that passed a strict
// pattern, through style.setProperty on <html>. No CSS text is ever built from theme data.

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const RGBA_COLOUR =
    /^rgba\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(0|1|0?\.\d{1,4}|1\.0{1,4})\s*\)$/;

/** Theme field -> CSS custom property. The allowlist: nothing else is ever set. */
export const THEME_PROPERTIES = Object.freeze({
    primaryColor: '--primary',
    secondaryColor: '--secondary',
    backgroundColor: '--bg',
    textColor: '--text',
    accentColor: '--accent',
    gradientStart: '--gradient-start',
    gradientEnd: '--gradient-end',
    messageUserBg: '--msg-user-bg',
    messageAssistantBg: '--msg-assistant-bg',
    borderColor: '--border',
    shadowColor: '--shadow',
});

/** Properties derived from the theme's colours (readable text on coloured surfaces). */
export const DERIVED_PROPERTIES = Object.freeze({
    '--on-primary': 'primaryColor',
    '--msg-user-text': 'messageUserBg',
    '--msg-assistant-text': 'messageAssistantBg',
});

/** True for `#rgb` and `#rrggbb`. */
export function isHexColour(value) {
    return typeof value === 'string' && HEX_COLOUR.test(value);
}

/** True for `rgba(r, g, b, a)` with channels 0-255 and alpha 0-1. */
export function isRgbaColour(value) {
    if (typeof value !== 'string') return false;
    const m = RGBA_COLOUR.exec(value);
    if (!m) return false;
    const alpha = Number(m[4]);
    return [m[1], m[2], m[3]].every((c) => Number(c) <= 255) && alpha >= 0 && alpha <= 1;
}

function validColour(field, value) {
    return field === 'shadowColor' ? isRgbaColour(value) || isHexColour(value) : isHexColour(value);
}

/** Plain text, no control characters, at most `max` characters (code points). */
function cleanText(value, max) {
    if (typeof value !== 'string') return '';
    // eslint-disable-next-line no-control-regex
    const text = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
    return Array.from(text).slice(0, max).join('');
}

/**
 * Returns the safe part of a Theme: `{name, icon, colours: {field: value}}`, or null when
 * nothing in it is usable. Fields that fail validation are left out (the default stands).
 */
export function sanitizeTheme(theme) {
    if (!theme || typeof theme !== 'object' || Array.isArray(theme)) return null;
    const colours = {};
    for (const field of Object.keys(THEME_PROPERTIES)) {
        const value = theme[field];
        if (validColour(field, value)) colours[field] = value.trim().toLowerCase();
    }
    if (Object.keys(colours).length === 0) return null;
    return {
        name: cleanText(theme.name, 40),
        icon: cleanText(theme.icon, 8), // one emoji, which may be a ZWJ sequence
        colours,
    };
}

/** `#rgb`/`#rrggbb` -> [r, g, b] in 0..255. */
export function hexToRgb(hex) {
    let h = hex.slice(1);
    if (h.length === 3) h = [...h].map((c) => c + c).join('');
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

/** WCAG relative luminance of a hex colour. */
export function luminance(hex) {
    const [r, g, b] = hexToRgb(hex).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Dark or light text, whichever reads better on `hex`. */
export function readableOn(hex) {
    const l = luminance(hex);
    const contrastWithWhite = 1.05 / (l + 0.05);
    const contrastWithDark = (l + 0.05) / (luminance('#16161d') + 0.05);
    return contrastWithWhite >= contrastWithDark ? '#ffffff' : '#16161d';
}

/**
 * Applies a theme to `root` (normally document.documentElement). A null theme, or fields
 * left out by validation, fall back to the stylesheet's defaults. Returns the sanitized
 * theme that was applied, or null.
 */
export function applyTheme(theme, root = document.documentElement) {
    const safe = sanitizeTheme(theme);
    for (const [field, prop] of Object.entries(THEME_PROPERTIES)) {
        const value = safe?.colours[field];
        if (value) root.style.setProperty(prop, value);
        else root.style.removeProperty(prop);
    }
    for (const [prop, field] of Object.entries(DERIVED_PROPERTIES)) {
        const value = safe?.colours[field];
        if (value && isHexColour(value)) root.style.setProperty(prop, readableOn(value));
        else root.style.removeProperty(prop);
    }
    return safe;
}
