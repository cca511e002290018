function f_jvp_0(x, x_dot) {
    let f_result = 0, s = 0, i = 0, _t0 = 0, _t1 = 0, _t3 = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t9 = 0, _t10 = false, _t11 = 0, s_dot = 0, _t0_dot = 0, _t1_dot = 0, _d = 0, _t3_dot = 0, _t5_dot = 0, _d_4 = 0, _d_5 = 0, _t6_dot = 0, _t7_dot = 0, _d_8 = 0, _d_9 = 0, _d_11 = 0, _d_12 = 0, _t11_dot = 0, _d_13 = 0, _d_14 = 0, f_result_dot = 0;
    s = 0;
    s_dot = 0;
    i = 0;
    for (;;) {
        _t9 = x.length;
        _t10 = i < _t9;
        if (!_t10) {
            break;
        }
        _t0 = x[i];
        _t0_dot = x_dot[i];
        _t1 = Math.sin(_t0);
        _d = Math.cos(_t0);
        _t1_dot = _d * _t0_dot;
        _t3 = -0.5 * _t0;
        _t3_dot = -0.5 * _t0_dot;
        _t5 = _t3 * _t0;
        _d_4 = _t0 * _t3_dot;
        _d_5 = _t3 * _t0_dot;
        _t5_dot = _d_4 + _d_5;
        _t6 = Math.exp(_t5);
        _t6_dot = _t6 * _t5_dot;
        _t7 = _t1 * _t6;
        _d_8 = _t6 * _t1_dot;
        _d_9 = _t1 * _t6_dot;
        _t7_dot = _d_8 + _d_9;
        _d_11 = s + _t7;
        _d_12 = s_dot + _t7_dot;
        s = _d_11;
        s_dot = _d_12;
        i = i + 1;
    }
    _t11 = s * s;
    _d_13 = s * s_dot;
    _d_14 = s * s_dot;
    _t11_dot = _d_13 + _d_14;
    f_result = _t11;
    f_result_dot = _t11_dot;
    return [f_result, f_result_dot];
}
