const f_jit_out = `function f_jit_out(theta, X) {
    let _iter = 0, _slot = 0;
    _iter = Math.floor(this.thread.x / this.constants.c);
    _slot = this.thread.x - _iter * this.constants.c;
    if (_slot < 0) {
        _iter = _iter - 1;
        _slot = _slot + this.constants.c;
    }
    if (_slot >= this.constants.c) {
        _iter = _iter + 1;
        _slot = _slot - this.constants.c;
    }
    const i = _iter;
    let z = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t9 = 0, _t10 = 0;
    let out_i = 0;
    const _target = i * this.constants.c + _slot;
    const k_from = _slot;
    for (let k_i = 0; k_i < _slot + 1 - k_from; k_i++) {
        const k = k_from + k_i;
        z = 0;
        for (let j = 0; j < this.constants.d; j++) {
            _t0 = k * this.constants.d;
            _t1 = _t0 + j;
            _t2 = theta[_t1];
            _t3 = i * this.constants.d;
            _t4 = _t3 + j;
            _t5 = X[_t4];
            _t6 = _t2 * _t5;
            z = z + _t6;
        }
        _t9 = i * this.constants.c;
        _t10 = _t9 + k;
        if (_t10 === _target) {
            out_i = z;
        }
    }
    return out_i;
}`;

function f_jit(__backend, theta, X, out, n, d, c) {
    let _trips, _r, _i;
    // parallel loop over i: 1 kernel(s)
    _trips = n - 0;
    if (_trips > 0) {
        // out: f_jit_out writes a block per iteration
        if (c > 0) {
            _r = __tsgradJit.runKernel(__backend, f_jit_out, [c * _trips], { c: c, d: d }, { theta: theta, X: X });
            for (_i = 0; _i < _trips * c; _i++) {
                out[_i] = _r[_i];
            }
        }
    }
    return out[n * c - 1];
}
