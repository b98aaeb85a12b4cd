import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyTheme, isHexColour, isRgbaColour, readableOn, sanitizeTheme, THEME_PROPERTIES } from '../src/theme.js';

const THEME = {
    id: 'sunny', name: 'Sunny Beach', icon: '🏖️',
    primaryColor: '#F59E0B', secondaryColor: '#0ea5e9', backgroundColor: '#fff', textColor: '#3b2f1e',
    accentColor: '#ef4444', gradientStart: '#fde68a', gradientEnd: '#bae6fd', messageUserBg: '#f59e0b',
    messageAssistantBg: '#fffbeb', borderColor: '#fcd34d', shadowColor: 'rgba(245, 158, 11, 0.25)',
};

function fakeRoot() {
    const props = new Map();
    return { props, style: { setProperty: (k, v) => props.set(k, v), removeProperty: (k) => props.delete(k) } };
}

test('colours: #rgb, #rrggbb and rgba() only', () => {
    for (const ok of ['#fff', '#FFFFFF', '#a1b2c3']) assert.ok(isHexColour(ok), ok);
    for (const bad of ['fff', '#ffff', '#ggg', 'red', '#fff;', '#fff }', 'var(--x)', ' #fff', null, 3]) {
        assert.ok(!isHexColour(bad), String(bad));
    }
    for (const ok of ['rgba(0, 0, 0, 0.1)', 'rgba(255,255,255,1)', 'rgba(1, 2, 3, .5)', 'rgba(1, 2, 3, 0)']) {
        assert.ok(isRgbaColour(ok), ok);
    }
    for (const bad of ['rgba(256, 0, 0, 0.1)', 'rgba(0, 0, 0, 2)', 'rgb(0, 0, 0)', 'rgba(0,0,0,0.1);x:y',
        'expression(alert(1))', 'rgba(0, 0, 0, 0.1) url(x)']) {
        assert.ok(!isRgbaColour(bad), bad);
    }
});

test('sanitizeTheme keeps valid fields and drops the rest', () => {
    const safe = sanitizeTheme({ ...THEME, textColor: 'red; background: url(http://x)', shadowColor: 'var(--x)' });
    assert.equal(safe.colours.primaryColor, '#f59e0b');
    assert.equal(safe.colours.textColor, undefined);
    assert.equal(safe.colours.shadowColor, undefined);
    assert.equal(safe.name, 'Sunny Beach');
    assert.equal(sanitizeTheme(null), null);
    assert.equal(sanitizeTheme({ name: 'x' }), null);
    assert.equal(sanitizeTheme({ ...THEME, name: `a\u0000b${'x'.repeat(100)}` }).name.length, 40);
});

test('applyTheme sets only allowlisted properties and clears with null', () => {
    const root = fakeRoot();
    applyTheme({ ...THEME, evil: '#000', '--x': '#000' }, root);
    const allowed = new Set([...Object.values(THEME_PROPERTIES), '--on-primary', '--msg-user-text', '--msg-assistant-text']);
    for (const key of root.props.keys()) assert.ok(allowed.has(key), key);
    assert.equal(root.props.get('--primary'), '#f59e0b');
    assert.equal(root.props.get('--shadow'), 'rgba(245, 158, 11, 0.25)');
    assert.equal(root.props.get('--msg-assistant-text'), '#16161d');
    applyTheme(null, root);
    assert.equal(root.props.size, 0);
});

test('readableOn picks the text colour with more contrast', () => {
    assert.equal(readableOn('#000000'), '#ffffff');
    assert.equal(readableOn('#ffffff'), '#16161d');
    assert.equal(readableOn('#274060'), '#ffffff');
});
