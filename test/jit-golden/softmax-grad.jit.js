function f_grad(theta, X, y, n, d, c) {
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats;
    let nf = 0;
    let i = 0, m = 0, k = 0, z = 0, j = 0, s = 0, k_2 = 0, z_2 = 0, j_2 = 0, _t21 = 0, j_3 = 0, _t24 = 0;
    const theta_b = new Float64Array(theta.length);
    let total_b = 0, m_b = 0, z_b = 0, s_b = 0, _t20_b = 0, zy_b = 0, _g = 0, _y = 0;
    // forward sweep
    total_b = 1 / n;
    // each iteration reversed right after it runs: they meet only in sums
    for (i = 0; i < n; i++) {
        floats[nf++] = m;
        m = -Infinity;
        for (k = 0; k < c; k++) {
            floats[nf++] = z;
            z = 0;
            for (j = 0; j < d; j++) {
                z += theta[k * d + j] * X[i * d + j];
            }
            floats[nf++] = m;
            m = Math.max(m, z);
        }
        s = 0;
        for (k_2 = 0; k_2 < c; k_2++) {
            z_2 = 0;
            for (j_2 = 0; j_2 < d; j_2++) {
                z_2 += theta[k_2 * d + j_2] * X[i * d + j_2];
            }
            floats[nf++] = _t21;
            _t21 = Math.exp(z_2 - m);
            s += _t21;
        }
        _t24 = y[i];
        zy_b = -total_b;
        m_b += total_b;
        s_b = total_b * (1 / s);
        for (j_3 = Math.ceil(d) - 1; j_3 >= 0; j_3--) {
            theta_b[_t24 * d + j_3] += zy_b * X[i * d + j_3];
        }
        for (k_2 = Math.ceil(c) - 1; k_2 >= 0; k_2--) {
            _y = _t21;
            _t21 = floats[--nf];
            _t20_b = s_b * _y;
            m_b -= _t20_b;
            for (j_2 = Math.ceil(d) - 1; j_2 >= 0; j_2--) {
                theta_b[k_2 * d + j_2] += _t20_b * X[i * d + j_2];
            }
        }
        for (k = Math.ceil(c) - 1; k >= 0; k--) {
            _g = m_b;
            m_b = 0;
            m = floats[--nf];
            m_b += _g * (m > z ? 1 : m === z ? 0.5 : 0);
            z_b = _g * (z > m ? 1 : z === m ? 0.5 : 0);
            for (j = Math.ceil(d) - 1; j >= 0; j--) {
                theta_b[k * d + j] += z_b * X[i * d + j];
            }
            z = floats[--nf];
        }
        nf--;
        m_b = 0;
    }
    tape.mark();
    return Float32Array.from(theta_b);
}

const f_jit_grad_L0 = `function f_jit_grad_L0(theta, X) {
    let _q = 0, i = 0, k = 0, _sum = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0;
    i = Math.floor(this.thread.x / this.constants._T_k);
    _q = this.thread.x - i * this.constants._T_k;
    if (_q < 0) {
        i = i - 1;
        _q = _q + this.constants._T_k;
    }
    if (_q >= this.constants._T_k) {
        i = i + 1;
        _q = _q - this.constants._T_k;
    }
    k = _q;
    _sum = 0;
    for (let j = 0; j < this.constants.d; j++) {
        _t0 = k * this.constants.d;
        _t1 = _t0 + j;
        _t2 = theta[_t1];
        _t3 = i * this.constants.d;
        _t4 = _t3 + j;
        _t5 = X[_t4];
        _t6 = _t2 * _t5;
        _sum = _sum + _t6;
    }
    return _sum;
}`;

const f_jit_grad_L1 = `function f_jit_grad_L1(y, theta, X) {
    let i = 0, _sum_2 = 0, _t24 = 0, _t25 = 0, _t26 = 0, _t27 = 0, _t28 = 0, _t29 = 0, _t30 = 0, _t31 = 0;
    i = this.thread.x;
    _sum_2 = 0;
    for (let j_3 = 0; j_3 < this.constants.d; j_3++) {
        _t24 = y[i];
        _t25 = _t24 * this.constants.d;
        _t26 = _t25 + j_3;
        _t27 = theta[_t26];
        _t28 = i * this.constants.d;
        _t29 = _t28 + j_3;
        _t30 = X[_t29];
        _t31 = _t27 * _t30;
        _sum_2 = _sum_2 + _t31;
    }
    return _sum_2;
}`;

const f_jit_grad_theta_b = `function f_jit_grad_theta_b(_L0_b, _L1_b, X, y) {
    let _g_2 = 0, _first = 0, _end = 0, _m = 0, _rest = 0, j_4 = 0, _r = 0, k_3 = 0, _lb = 0, _t2 = 0, _t5 = 0, _t6 = 0, _t3 = 0, _t4 = 0, _t24 = 0, _rest_2 = 0, j_3_2 = 0, _lb_2 = 0, _t27 = 0, _t30 = 0, _t31 = 0, _t28 = 0, _t29 = 0;
    _g_2 = 0;
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
    // theta[…] read in the sum into z
    _rest = _m - 0;
    if (_rest >= 0 && _rest < this.constants.d * this.constants.c) {
        _r = Math.floor(_rest / this.constants.d);
        j_4 = _rest - _r * this.constants.d;
        if (j_4 < 0) {
            _r = _r - 1;
            j_4 = j_4 + this.constants.d;
        }
        if (j_4 >= this.constants.d) {
            _r = _r + 1;
            j_4 = j_4 - this.constants.d;
        }
        _rest = _r;
        k_3 = _rest;
        const i_2_from = _first;
        for (let i_2_i = 0; i_2_i < _end - i_2_from; i_2_i++) {
            const i_2 = i_2_from + i_2_i;
            _lb = _L0_b[i_2 * this.constants._T_k + k_3];
            if (_lb !== 0) {
                _t3 = i_2 * this.constants.d;
                _t4 = _t3 + j_4;
                _t5 = X[_t4];
                _g_2 += _lb * _t5;
            }
        }
    }
    // theta[…] read in the sum into zy
    const i_3_from = _first;
    for (let i_3_i = 0; i_3_i < _end - i_3_from; i_3_i++) {
        const i_3 = i_3_from + i_3_i;
        _t24 = y[i_3];
        _rest_2 = _m - _t24 * this.constants.d;
        if (_rest_2 >= 0 && _rest_2 < this.constants.d) {
            j_3_2 = _rest_2;
            _lb_2 = _L1_b[i_3];
            if (_lb_2 !== 0) {
                _t28 = i_3 * this.constants.d;
                _t29 = _t28 + j_3_2;
                _t30 = X[_t29];
                _g_2 += _lb_2 * _t30;
            }
        }
    }
    return _g_2;
}`;

function f_jit_grad(__backend, theta, X, y, n, d, c) {
    const tape = f_jit_grad_tape;
    tape.reset();
    const floats = tape.floats;
    let nf = 0;
    let i = 0, m = 0, k = 0, z = 0, s = 0, k_2 = 0, _t21 = 0, _trips0 = 0, _T_k = 0, _L0, _t_3 = 0, _T_k_2 = 0, _L1, _n0 = 0;
    const theta_b = new Float64Array(theta.length);
    let total_b = 0, m_b = 0, z_b = 0, s_b = 0, z_2_b = 0, _t20_b = 0, zy_b = 0, _L0_b, _L1_b, _g = 0, _y = 0;
    // forward sweep
    _trips0 = Math.max(n - 0, 0);
    _T_k = Math.max(c - 0, 0);
    _t_3 = _T_k * _trips0;
    _L0 = new Float32Array(_t_3);
    _L0_b = new Float64Array(_L0.length);
    _T_k_2 = Math.max(c - 0, 0);
    _L1 = new Float32Array(_trips0);
    _L1_b = new Float64Array(_L1.length);
    // leaf sums of the parallel loop over i: 2 kernel(s)
    if (_t_3 > 0) {
        _L0 = __tsgradJit.runKernel(__backend, f_jit_grad_L0, [_T_k * _trips0], { _T_k: _T_k, d: d }, { theta: theta, X: X });
    }
    if (_trips0 > 0) {
        __tsgradJit.runKernel(__backend, f_jit_grad_L1, [_trips0], { d: d }, { y: y, theta: theta, X: X });
    }
    for (i = 0; i < n; i++) {
        floats[nf++] = m;
        m = -Infinity;
        for (k = 0; k < c; k++) {
            floats[nf++] = z;
            floats[nf++] = 0;
            z = 0 + _L0[i * _T_k + k];
            floats[nf++] = m;
            m = Math.max(m, z);
        }
        floats[nf++] = s;
        s = 0;
        for (k_2 = 0; k_2 < c; k_2++) {
            floats[nf++] = _t21;
            _t21 = Math.exp(0 + _L0[i * _T_k_2 + k_2] - m);
            s += _t21;
        }
    }
    _n0 = i;
    tape.mark();
    // reverse sweep
    total_b = 1 / n;
    for (i = _n0 - 1; i >= 0; i--) {
        zy_b -= total_b;
        m_b += total_b;
        s_b = total_b * (1 / s);
        _L1_b[i] += zy_b;
        zy_b = 0;
        for (k_2 = Math.ceil(c) - 1; k_2 >= 0; k_2--) {
            _y = _t21;
            _t21 = floats[--nf];
            _t20_b = s_b * _y;
            z_2_b += _t20_b;
            m_b -= _t20_b;
            _L0_b[i * _T_k_2 + k_2] += z_2_b;
            z_2_b = 0;
        }
        s = floats[--nf];
        for (k = Math.ceil(c) - 1; k >= 0; k--) {
            _g = m_b;
            m_b = 0;
            m = floats[--nf];
            m_b += _g * (m > z ? 1 : m === z ? 0.5 : 0);
            z_b += _g * (z > m ? 1 : z === m ? 0.5 : 0);
            nf--;
            _L0_b[i * _T_k + k] += z_b;
            z = floats[--nf];
            z_b = 0;
        }
        nf--;
        m_b = 0;
    }
    // theta_b: gathered over the elements of theta (f_jit_grad_theta_b), the iterations split into blocks
    const _length = theta.length;
    if (_length > 0) {
        const _blocks = Math.max(1, Math.min(_trips0, Math.ceil(65536 / _length)));
        const _chunk = Math.ceil(_trips0 / _blocks);
        const _r_2 = __tsgradJit.runKernel(__backend, f_jit_grad_theta_b, [_length * _blocks], { _length: _length, _chunk: _chunk, n: n, d: d, c: c, _T_k: _T_k }, { _L0_b: _L0_b, _L1_b: _L1_b, X: X, y: y });
        for (let _i = 0; _i < _length; _i++) {
            let _s = 0;
            for (let _q_2 = 0; _q_2 < _blocks; _q_2++) {
                _s += _r_2[_q_2 * _length + _i];
            }
            theta_b[_i] += _s;
        }
    }
    return Float32Array.from(theta_b);
}
