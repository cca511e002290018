function energy_hvp(x, x_dot) {
    let i = 0, _t0 = 0, _t2 = 0, _t0_dot = 0;
    const x_b = new Float64Array(x.length);
    let _t0_b = 0;
    // forward sweep
    // each iteration reversed right after it runs: they meet only in sums
    for (i = 0; i + 1 < x.length; i++) {
        _t0 = x[i];
        _t0_dot = x_dot[i];
        _t2 = i + 1;
        x_b[_t2] += Math.cos(_t0) * _t0_dot;
        _t0_b -= x[_t2] * _t0_dot * Math.sin(_t0);
        _t0_b += x_dot[_t2] * Math.cos(_t0);
        x_b[i] += _t0_b;
        _t0_b = 0;
    }
    return x_b;
}
