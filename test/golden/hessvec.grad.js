function energy_hvp(x, x_dot) {
    let energy_result = 0, e = 0, i = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t6 = 0, _t7 = 0, _t8 = false, e_dot = 0, _t0_dot = 0, _t1_dot = 0, _d = 0, _t3_dot = 0, _t4_dot = 0, _d_3 = 0, _d_4 = 0, _d_6 = 0, _d_7 = 0, energy_result_dot = 0, _n0 = 0;
    const x_b = new Float64Array(x.length);
    let _t0_b = 0, _t1_b = 0, _t3_b = 0, e_dot_b = 0, _t1_dot_b = 0, _d_b = 0, _t4_dot_b = 0, _d_3_b = 0, _d_4_b = 0, _d_7_b = 0, energy_result_dot_b = 0;
    // forward sweep
    e = 0;
    e_dot = 0;
    i = 0;
    _n0 = 0;
    for (;;) {
        _t6 = i + 1;
        _t7 = x.length;
        _t8 = _t6 < _t7;
        if (!_t8) {
            break;
        }
        _t0 = x[i];
        _t0_dot = x_dot[i];
        _t1 = Math.sin(_t0);
        _d = Math.cos(_t0);
        _t1_dot = _d * _t0_dot;
        _t2 = i + 1;
        _t3 = x[_t2];
        _t3_dot = x_dot[_t2];
        _t4 = _t1 * _t3;
        _d_3 = _t3 * _t1_dot;
        _d_4 = _t1 * _t3_dot;
        _t4_dot = _d_3 + _d_4;
        _d_6 = e + _t4;
        _d_7 = e_dot + _t4_dot;
        e = _d_6;
        e_dot = _d_7;
        i = i + 1;
        _n0 += 1;
    }
    energy_result = e;
    energy_result_dot = e_dot;
    // reverse sweep
    energy_result_dot_b = 1;
    e_dot_b += energy_result_dot_b;
    for (i = _n0 - 1; i >= 0; i--) {
        _t0 = x[i];
        _t0_dot = x_dot[i];
        _d = Math.cos(_t0);
        _t1_dot = _d * _t0_dot;
        _t2 = i + 1;
        _t3 = x[_t2];
        _t3_dot = x_dot[_t2];
        _d_7_b += e_dot_b;
        e_dot_b = 0;
        e_dot_b += _d_7_b;
        _t4_dot_b += _d_7_b;
        _d_7_b = 0;
        _d_3_b += _t4_dot_b;
        _d_4_b += _t4_dot_b;
        _t4_dot_b = 0;
        _t1_b += _d_4_b * _t3_dot;
        _d_4_b = 0;
        _t3_b += _d_3_b * _t1_dot;
        _t1_dot_b += _d_3_b * _t3;
        _d_3_b = 0;
        x_b[_t2] += _t3_b;
        _t3_b = 0;
        _d_b += _t1_dot_b * _t0_dot;
        _t1_dot_b = 0;
        _t0_b -= _d_b * Math.sin(_t0);
        _d_b = 0;
        _t0_b += _t1_b * Math.cos(_t0);
        _t1_b = 0;
        x_b[i] += _t0_b;
        _t0_b = 0;
    }
    e_dot_b = 0;
    return x_b;
}
