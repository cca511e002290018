const f_jit_total = `function f_jit_total(theta, X, y) {
    const i = this.thread.x;
    let m = 0, z = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, s = 0, z_2 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _t14 = 0, _t15 = 0, _t16 = 0, _t17 = 0, _t20 = 0, _t21 = 0, zy = 0, _t24 = 0, _t25 = 0, _t26 = 0, _t27 = 0, _t28 = 0, _t29 = 0, _t30 = 0, _t31 = 0, _t34 = 0, _t35 = 0, _t36 = 0;
    let total = 0;
    m = -Infinity;
    for (let k = 0; k < this.constants.c; k++) {
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
        m = Math.max(m, z);
    }
    s = 0;
    for (let k_2 = 0; k_2 < this.constants.c; k_2++) {
        z_2 = 0;
        for (let j_2 = 0; j_2 < this.constants.d; j_2++) {
            _t11 = k_2 * this.constants.d;
            _t12 = _t11 + j_2;
            _t13 = theta[_t12];
            _t14 = i * this.constants.d;
            _t15 = _t14 + j_2;
            _t16 = X[_t15];
            _t17 = _t13 * _t16;
            z_2 = z_2 + _t17;
        }
        _t20 = z_2 - m;
        _t21 = Math.exp(_t20);
        s = s + _t21;
    }
    zy = 0;
    for (let j_3 = 0; j_3 < this.constants.d; j_3++) {
        _t24 = y[i];
        _t25 = _t24 * this.constants.d;
        _t26 = _t25 + j_3;
        _t27 = theta[_t26];
        _t28 = i * this.constants.d;
        _t29 = _t28 + j_3;
        _t30 = X[_t29];
        _t31 = _t27 * _t30;
        zy = zy + _t31;
    }
    _t34 = Math.log(s);
    _t35 = _t34 + m;
    _t36 = _t35 - zy;
    total = total + _t36;
    return total;
}`;

function f_jit(__backend, theta, X, y, n, d, c) {
    let total = 0, _trips, _r, _i;
    total = 0;
    // parallel loop over i: 1 kernel(s)
    _trips = n - 0;
    if (_trips > 0) {
        // total: sum of f_jit_total over the iterations
        _r = __tsgradJit.runKernel(__backend, f_jit_total, [_trips], { c: c, d: d }, { theta: theta, X: X, y: y });
        for (_i = 0; _i < _trips; _i++) {
            total += _r[_i];
        }
    }
    return total / n;
}
