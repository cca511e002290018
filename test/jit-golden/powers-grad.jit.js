function f_grad(u, X, n, d) {
    let i = 0, j = 0, _t0 = 0, _t3 = 0;
    const u_b = new Float64Array(u.length);
    let _t0_b = 0;
    // forward sweep
    // each iteration reversed right after it runs: they meet only in sums
    for (i = 0; i < n; i++) {
        for (j = Math.ceil(d) - 1; j >= 0; j--) {
            _t0 = u[j];
            _t3 = X[i * d + j];
            _t0_b += Math.cos(_t0 * _t3) * _t3;
            _t0_b -= 3 * Math.pow(_t3 - _t0, 2);
            _t0_b += 2 * (_t0 - _t3);
            u_b[j] += _t0_b;
            _t0_b = 0;
        }
    }
    return Float32Array.from(u_b);
}

const f_jit_grad_L0 = `function f_jit_grad_L0(u, X) {
    let i = 0, _sum = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t8 = 0, _t9 = 0, _t10 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _t14 = 0, _t15 = 0, _t16 = 0, _t17 = 0, _t18 = 0, _t19 = 0;
    i = this.thread.x;
    _sum = 0;
    for (let j = 0; j < this.constants.d; j++) {
        _t0 = u[j];
        _t1 = i * this.constants.d;
        _t2 = _t1 + j;
        _t3 = X[_t2];
        _t4 = _t0 - _t3;
        _t5 = _t4 * _t4;
        _t6 = i * this.constants.d;
        _t7 = _t6 + j;
        _t8 = X[_t7];
        _t9 = u[j];
        _t10 = _t8 - _t9;
        _t11 = _t10 * _t10 * _t10;
        _t12 = _t5 + _t11;
        _t13 = u[j];
        _t14 = i * this.constants.d;
        _t15 = _t14 + j;
        _t16 = X[_t15];
        _t17 = _t13 * _t16;
        _t18 = tsgrad_sin(_t17);
        _t19 = _t12 + _t18;
        _sum = _sum + _t19;
    }
    return _sum;
}`;

const f_jit_grad_u_b = `function f_jit_grad_u_b(_L0_b, u, X) {
    let _g = 0, _first = 0, _end = 0, _m = 0, _rest = 0, j_2 = 0, _lb = 0, _t12 = 0, _t18 = 0, _t19 = 0, _t5 = 0, _t11 = 0, _t4 = 0, _t0 = 0, _t3 = 0, _t1 = 0, _t2 = 0, _rest_2 = 0, j_3 = 0, _lb_2 = 0, _t10 = 0, _t8 = 0, _t9 = 0, _t6 = 0, _t7 = 0, _rest_3 = 0, j_4 = 0, _lb_3 = 0, _t17 = 0, _t13 = 0, _t16 = 0, _t14 = 0, _t15 = 0;
    _g = 0;
    _first = Math.floor(this.thread.x / this.constants._length);
    _m = this.thread.x - _first * this.constants._length;
    if (_m < 0) {
        _first = _first - 1;
        _m = _m + this.constants._length;
    }
    if (_m >= this.constants._length) {
        _first = _first + 1;
        _m = _m - this.constants._length;
    }
    _first = _first * this.constants._chunk;
    _end = Math.min(_first + this.constants._chunk, this.constants.n);
    // u[…] read in the sum into total
    _rest = _m - 0;
    if (_rest >= 0 && _rest < this.constants.d) {
        j_2 = _rest;
        const i_2_from = _first;
        for (let i_2_i = 0; i_2_i < _end - i_2_from; i_2_i++) {
            const i_2 = i_2_from + i_2_i;
            _lb = _L0_b[i_2];
            if (_lb !== 0) {
                _t0 = u[j_2];
                _t1 = i_2 * this.constants.d;
                _t2 = _t1 + j_2;
                _t3 = X[_t2];
                _t4 = _t0 - _t3;
                _g += _lb * (2 === 0 ? 0 : 2 * _t4);
            }
        }
    }
    // u[…] read in the sum into total
    _rest_2 = _m - 0;
    if (_rest_2 >= 0 && _rest_2 < this.constants.d) {
        j_3 = _rest_2;
        const i_3_from = _first;
        for (let i_3_i = 0; i_3_i < _end - i_3_from; i_3_i++) {
            const i_3 = i_3_from + i_3_i;
            _lb_2 = _L0_b[i_3];
            if (_lb_2 !== 0) {
                _t6 = i_3 * this.constants.d;
                _t7 = _t6 + j_3;
                _t8 = X[_t7];
                _t9 = u[j_3];
                _t10 = _t8 - _t9;
                _g += -(_lb_2 * (3 === 0 ? 0 : 3 * (_t10 * _t10)));
            }
        }
    }
    // u[…] read in the sum into total
    _rest_3 = _m - 0;
    if (_rest_3 >= 0 && _rest_3 < this.constants.d) {
        j_4 = _rest_3;
        const i_4_from = _first;
        for (let i_4_i = 0; i_4_i < _end - i_4_from; i_4_i++) {
            const i_4 = i_4_from + i_4_i;
            _lb_3 = _L0_b[i_4];
            if (_lb_3 !== 0) {
                _t13 = u[j_4];
                _t14 = i_4 * this.constants.d;
                _t15 = _t14 + j_4;
                _t16 = X[_t15];
                _t17 = _t13 * _t16;
                _g += _lb_3 * (tsgrad_cos(_t17) * _t16);
            }
        }
    }
    return _g;
}`;

function f_jit_grad(__backend, u, X, n, d) {
    let i = 0, _trips0 = 0, _L0, _n0 = 0;
    const u_b = new Float64Array(u.length);
    let _L0_b;
    // forward sweep
    _trips0 = Math.max(n - 0, 0);
    _L0 = new Float32Array(_trips0);
    _L0_b = new Float64Array(_L0.length);
    // leaf sums of the parallel loop over i: 1 kernel(s)
    if (_trips0 > 0) {
        __tsgradJit.runKernel(__backend, f_jit_grad_L0, [_trips0], { d: d }, { u: u, X: X });
    }
    for (i = 0; i < n; i++) {
    }
    _n0 = i;
    // reverse sweep
    for (i = _n0 - 1; i >= 0; i--) {
        _L0_b[i] += 1;
    }
    // u_b: gathered over the elements of u (f_jit_grad_u_b), the iterations split into blocks
    const _length = u.length;
    if (_length > 0) {
        const _blocks = Math.max(1, Math.min(_trips0, Math.ceil(65536 / _length)));
        const _chunk = Math.ceil(_trips0 / _blocks);
        const _r = __tsgradJit.runKernel(__backend, f_jit_grad_u_b, [_length * _blocks], { _length: _length, _chunk: _chunk, n: n, d: d }, { _L0_b: _L0_b, u: u, X: X });
        for (let _i = 0; _i < _length; _i++) {
            let _s = 0;
            for (let _q = 0; _q < _blocks; _q++) {
                _s += _r[_q * _length + _i];
            }
            u_b[_i] += _s;
        }
    }
    return Float32Array.from(u_b);
}

const f_jit_total = `function f_jit_total(u, X) {
    const i = this.thread.x;
    let _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t8 = 0, _t9 = 0, _t10 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _t14 = 0, _t15 = 0, _t16 = 0, _t17 = 0, _t18 = 0, _t19 = 0, _t22 = 0, _t23 = 0, _t24 = 0, _t25 = 0, _t26 = 0;
    let total = 0;
    for (let j = 0; j < this.constants.d; j++) {
        _t0 = u[j];
        _t1 = i * this.constants.d;
        _t2 = _t1 + j;
        _t3 = X[_t2];
        _t4 = _t0 - _t3;
        _t5 = _t4 * _t4;
        _t6 = i * this.constants.d;
        _t7 = _t6 + j;
        _t8 = X[_t7];
        _t9 = u[j];
        _t10 = _t8 - _t9;
        _t11 = _t10 * _t10 * _t10;
        _t12 = _t5 + _t11;
        _t13 = u[j];
        _t14 = i * this.constants.d;
        _t15 = _t14 + j;
        _t16 = X[_t15];
        _t17 = _t13 * _t16;
        _t18 = tsgrad_sin(_t17);
        _t19 = _t12 + _t18;
        total = total + _t19;
    }
    _t22 = i * this.constants.d;
    _t23 = X[_t22];
    _t24 = Math.abs(_t23);
    _t25 = _t24 + 0.5;
    _t26 = tsgrad_pow(_t25, 1.5);
    total = total + _t26;
    return total;
}`;

function f_jit(__backend, u, X, n, d) {
    let total = 0, _trips, _r, _i;
    total = 0;
    // parallel loop over i: 1 kernel(s)
    _trips = n - 0;
    if (_trips > 0) {
        // total: sum of f_jit_total over the iterations
        _r = __tsgradJit.runKernel(__backend, f_jit_total, [_trips], { d: d }, { u: u, X: X });
        for (_i = 0; _i < _trips; _i++) {
            total += _r[_i];
        }
    }
    return total;
}
