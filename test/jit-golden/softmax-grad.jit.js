function f_grad(theta, X, y, n, d, c) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, total = 0, i = 0, m = 0, k = 0, z = 0, j = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, s = 0, k_2 = 0, z_2 = 0, j_2 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _t14 = 0, _t15 = 0, _t16 = 0, _t17 = 0, _t20 = 0, _t21 = 0, zy = 0, j_3 = 0, _t24 = 0, _t25 = 0, _t26 = 0, _t27 = 0, _t28 = 0, _t29 = 0, _t30 = 0, _t31 = 0, _t34 = 0, _t35 = 0, _t36 = 0, _t39 = 0, _n0 = 0, _n5 = 0, _n3 = 0, _n4 = 0, _n1 = 0, _n2 = 0;
    const theta_b = new Float64Array(theta.length);
    let f_result_b = 0, total_b = 0, m_b = 0, z_b = 0, _t2_b = 0, _t6_b = 0, s_b = 0, z_2_b = 0, _t13_b = 0, _t17_b = 0, _t20_b = 0, _t21_b = 0, zy_b = 0, _t27_b = 0, _t31_b = 0, _t34_b = 0, _t35_b = 0, _t36_b = 0, _t39_b = 0, _g = 0, _y = 0;
    // forward sweep
    total = 0;
    i = 0;
    _n0 = 0;
    while (i < n) {
        tape.floats.push(m);
        m = -Infinity;
        k = 0;
        while (k < c) {
            tape.floats.push(z);
            z = 0;
            j = 0;
            tape.floats.push(z);
            while (j < d) {
                _t0 = k * d;
                _t1 = _t0 + j;
                _t2 = theta[_t1];
                _t3 = i * d;
                _t4 = _t3 + j;
                _t5 = X[_t4];
                _t6 = _t2 * _t5;
                z = z + _t6;
                j = j + 1;
            }
            tape.floats.push(m);
            m = Math.max(m, z);
            k = k + 1;
        }
        tape.floats.push(s);
        s = 0;
        k_2 = 0;
        tape.floats.push(s);
        while (k_2 < c) {
            z_2 = 0;
            j_2 = 0;
            while (j_2 < d) {
                _t11 = k_2 * d;
                _t12 = _t11 + j_2;
                _t13 = theta[_t12];
                _t14 = i * d;
                _t15 = _t14 + j_2;
                _t16 = X[_t15];
                _t17 = _t13 * _t16;
                z_2 = z_2 + _t17;
                j_2 = j_2 + 1;
            }
            _t20 = z_2 - m;
            tape.floats.push(_t21);
            _t21 = Math.exp(_t20);
            s = s + _t21;
            k_2 = k_2 + 1;
        }
        zy = 0;
        j_3 = 0;
        _t24 = y[i];
        while (j_3 < d) {
            _t25 = _t24 * d;
            _t26 = _t25 + j_3;
            _t27 = theta[_t26];
            _t28 = i * d;
            _t29 = _t28 + j_3;
            _t30 = X[_t29];
            _t31 = _t27 * _t30;
            zy = zy + _t31;
            j_3 = j_3 + 1;
        }
        _t34 = Math.log(s);
        _t35 = _t34 + m;
        _t36 = _t35 - zy;
        total = total + _t36;
        i = i + 1;
        _n0 += 1;
    }
    _t39 = total / n;
    f_result = _t39;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    _t39_b += f_result_b;
    total_b += _t39_b * (1 / n);
    for (i = _n0 - 1; i >= 0; i--) {
        _t24 = y[i];
        _t36_b += total_b;
        _t35_b += _t36_b;
        zy_b -= _t36_b;
        _t36_b = 0;
        _t34_b += _t35_b;
        m_b += _t35_b;
        _t35_b = 0;
        s_b += _t34_b * (1 / s);
        _t34_b = 0;
        _n5 = Math.max(0, Math.ceil(d));
        for (j_3 = _n5 - 1; j_3 >= 0; j_3--) {
            _t25 = _t24 * d;
            _t26 = _t25 + j_3;
            _t28 = i * d;
            _t29 = _t28 + j_3;
            _t30 = X[_t29];
            _t31_b += zy_b;
            _t27_b += _t31_b * _t30;
            _t31_b = 0;
            theta_b[_t26] += _t27_b;
            _t27_b = 0;
        }
        zy_b = 0;
        _n3 = Math.max(0, Math.ceil(c));
        for (k_2 = _n3 - 1; k_2 >= 0; k_2--) {
            _t21_b += s_b;
            _y = _t21;
            _t21 = tape.floats.pop();
            _t20_b += _t21_b * _y;
            _t21_b = 0;
            z_2_b += _t20_b;
            m_b -= _t20_b;
            _t20_b = 0;
            _n4 = Math.max(0, Math.ceil(d));
            for (j_2 = _n4 - 1; j_2 >= 0; j_2--) {
                _t11 = k_2 * d;
                _t12 = _t11 + j_2;
                _t14 = i * d;
                _t15 = _t14 + j_2;
                _t16 = X[_t15];
                _t17_b += z_2_b;
                _t13_b += _t17_b * _t16;
                _t17_b = 0;
                theta_b[_t12] += _t13_b;
                _t13_b = 0;
            }
            z_2_b = 0;
        }
        s = tape.floats.pop();
        s = tape.floats.pop();
        s_b = 0;
        _n1 = Math.max(0, Math.ceil(c));
        for (k = _n1 - 1; k >= 0; k--) {
            _g = m_b;
            m_b = 0;
            m = tape.floats.pop();
            m_b += _g * (m > z ? 1 : m === z ? 0.5 : 0);
            z_b += _g * (z > m ? 1 : z === m ? 0.5 : 0);
            _n2 = Math.max(0, Math.ceil(d));
            for (j = _n2 - 1; j >= 0; j--) {
                _t0 = k * d;
                _t1 = _t0 + j;
                _t3 = i * d;
                _t4 = _t3 + j;
                _t5 = X[_t4];
                _t6_b += z_b;
                _t2_b += _t6_b * _t5;
                _t6_b = 0;
                theta_b[_t1] += _t2_b;
                _t2_b = 0;
            }
            z = tape.floats.pop();
            z = tape.floats.pop();
            z_b = 0;
        }
        m = tape.floats.pop();
        m_b = 0;
    }
    total_b = 0;
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
    let f_result = 0, total = 0, i = 0, m = 0, k = 0, z = 0, j = 0, s = 0, k_2 = 0, z_2 = 0, j_2 = 0, _t20 = 0, _t21 = 0, zy = 0, j_3 = 0, _t34 = 0, _t35 = 0, _t36 = 0, _t39 = 0, _t = 0, _trips0 = 0, _t_2 = 0, _T_k = 0, _L0, _t_3 = 0, _t_4 = 0, _t_5 = 0, _l = 0, _t_6 = 0, _T_k_2 = 0, _t_7 = 0, _t_8 = 0, _l_2 = 0, _L1, _t_9 = 0, _l_3 = 0, _n0 = 0, _n3 = 0, _n1 = 0;
    const theta_b = new Float64Array(theta.length);
    let f_result_b = 0, total_b = 0, m_b = 0, z_b = 0, s_b = 0, z_2_b = 0, _t20_b = 0, _t21_b = 0, zy_b = 0, _t34_b = 0, _t35_b = 0, _t36_b = 0, _t39_b = 0, _L0_b, _l_b = 0, _l_2_b = 0, _L1_b, _l_3_b = 0, _g = 0, _y = 0;
    // forward sweep
    total = 0;
    i = 0;
    _t = n - 0;
    _trips0 = Math.max(_t, 0);
    _t_2 = c - 0;
    _T_k = Math.max(_t_2, 0);
    _t_3 = _T_k * _trips0;
    _L0 = new Float32Array(_t_3);
    _L0_b = new Float64Array(_L0.length);
    _t_6 = c - 0;
    _T_k_2 = Math.max(_t_6, 0);
    _t_9 = 1 * _trips0;
    _L1 = new Float32Array(_t_9);
    _L1_b = new Float64Array(_L1.length);
    // leaf sums of the parallel loop over i: 2 kernel(s)
    if (_t_3 > 0) {
        _L0 = __tsgradJit.runKernel(__backend, f_jit_grad_L0, [_T_k * _trips0], { _T_k: _T_k, d: d }, { theta: theta, X: X });
    }
    if (_t_9 > 0) {
        _L1 = __tsgradJit.runKernel(__backend, f_jit_grad_L1, [_trips0], { d: d }, { y: y, theta: theta, X: X });
    }
    _n0 = 0;
    while (i < n) {
        tape.floats.push(m);
        m = -Infinity;
        k = 0;
        while (k < c) {
            tape.floats.push(z);
            z = 0;
            j = 0;
            _t_4 = i * _T_k;
            _t_5 = _t_4 + k;
            _l = _L0[_t_5];
            tape.floats.push(z);
            z = z + _l;
            tape.floats.push(m);
            m = Math.max(m, z);
            k = k + 1;
        }
        tape.floats.push(s);
        s = 0;
        k_2 = 0;
        tape.floats.push(s);
        while (k_2 < c) {
            z_2 = 0;
            j_2 = 0;
            _t_7 = i * _T_k_2;
            _t_8 = _t_7 + k_2;
            _l_2 = _L0[_t_8];
            z_2 = z_2 + _l_2;
            _t20 = z_2 - m;
            tape.floats.push(_t21);
            _t21 = Math.exp(_t20);
            s = s + _t21;
            k_2 = k_2 + 1;
        }
        zy = 0;
        j_3 = 0;
        _l_3 = _L1[i];
        zy = zy + _l_3;
        _t34 = Math.log(s);
        _t35 = _t34 + m;
        _t36 = _t35 - zy;
        total = total + _t36;
        i = i + 1;
        _n0 += 1;
    }
    _t39 = total / n;
    f_result = _t39;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    _t39_b += f_result_b;
    total_b += _t39_b * (1 / n);
    for (i = _n0 - 1; i >= 0; i--) {
        _t36_b += total_b;
        _t35_b += _t36_b;
        zy_b -= _t36_b;
        _t36_b = 0;
        _t34_b += _t35_b;
        m_b += _t35_b;
        _t35_b = 0;
        s_b += _t34_b * (1 / s);
        _t34_b = 0;
        _l_3_b += zy_b;
        _L1_b[i] += _l_3_b;
        _l_3_b = 0;
        zy_b = 0;
        _n3 = Math.max(0, Math.ceil(c));
        for (k_2 = _n3 - 1; k_2 >= 0; k_2--) {
            _t_7 = i * _T_k_2;
            _t_8 = _t_7 + k_2;
            _t21_b += s_b;
            _y = _t21;
            _t21 = tape.floats.pop();
            _t20_b += _t21_b * _y;
            _t21_b = 0;
            z_2_b += _t20_b;
            m_b -= _t20_b;
            _t20_b = 0;
            _l_2_b += z_2_b;
            _L0_b[_t_8] += _l_2_b;
            _l_2_b = 0;
            z_2_b = 0;
        }
        s = tape.floats.pop();
        s = tape.floats.pop();
        s_b = 0;
        _n1 = Math.max(0, Math.ceil(c));
        for (k = _n1 - 1; k >= 0; k--) {
            _t_4 = i * _T_k;
            _t_5 = _t_4 + k;
            _g = m_b;
            m_b = 0;
            m = tape.floats.pop();
            m_b += _g * (m > z ? 1 : m === z ? 0.5 : 0);
            z_b += _g * (z > m ? 1 : z === m ? 0.5 : 0);
            z = tape.floats.pop();
            _l_b += z_b;
            _L0_b[_t_5] += _l_b;
            _l_b = 0;
            z = tape.floats.pop();
            z_b = 0;
        }
        m = tape.floats.pop();
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
    total_b = 0;
    return Float32Array.from(theta_b);
}
