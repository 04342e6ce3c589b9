// A fake localStorage for the tests: a Map, plus switches for the failures
// browsers really produce (quota exceeded on setItem, SecurityError on any use).

'use strict';

class FakeStorage {
    constructor(entries = {}) {
        this.map = new Map(Object.entries(entries));
        this.quotaBytes = Infinity; // setItem throws once the total would exceed it
        this.blocked = false; // every call throws a SecurityError
    }
    check() {
        if (this.blocked) {
            const err = new Error('The operation is insecure.');
            err.name = 'SecurityError';
            throw err;
        }
    }
    get length() {
        this.check();
        return this.map.size;
    }
    key(i) {
        this.check();
        return Array.from(this.map.keys())[i] ?? null;
    }
    getItem(key) {
        this.check();
        return this.map.has(key) ? this.map.get(key) : null;
    }
    setItem(key, value) {
        this.check();
        let size = 0;
        for (const [k, v] of this.map) if (k !== key) size += k.length + v.length;
        if (size + key.length + String(value).length > this.quotaBytes) {
            const err = new Error('Setting the value exceeded the quota.');
            err.name = 'QuotaExceededError';
            throw err;
        }
        this.map.set(key, String(value));
    }
    removeItem(key) {
        this.check();
        this.map.delete(key);
    }
}

module.exports = { FakeStorage };
