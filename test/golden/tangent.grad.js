function f_jvp_0(x, x_dot) {
    let s = 0, i = 0, _t0 = 0, _t1 = 0, _t3 = 0, _t6 = 0, s_dot = 0, _t0_dot = 0;
    s = 0;
    s_dot = 0;
    for (i = 0; i < x.length; i++) {
        _t0 = x[i];
        _t0_dot = x_dot[i];
        _t1 = Math.sin(_t0);
        _t3 = -0.5 * _t0;
        _t6 = Math.exp(_t3 * _t0);
        s += _t1 * _t6;
        s_dot += _t6 * (Math.cos(_t0) * _t0_dot) + _t1 * (_t6 * (_t0 * (-0.5 * _t0_dot) + _t3 * _t0_dot));
    }
    return [s * s, s * s_dot + s * s_dot];
}
