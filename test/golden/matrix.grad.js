function f_grad(x, W) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, s = 0, _t0 = 0, i = 0, row, z = 0, acc = 0, _t1 = 0, _t2 = 0, i_2 = 0, _t4 = 0, fn_result = 0, t = 0, w = 0, j = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t8 = 0, _n0 = 0, _n1 = 0;
    const x_b = new Float64Array(x.length);
    let f_result_b = 0, s_b = 0, z_b = 0, acc_b = 0, fn_result_b = 0, t_b = 0, _t5_b = 0, _t6_b = 0, _t7_b = 0, _t8_b = 0, _y = 0;
    // forward sweep
    s = 0;
    _t0 = W.length;
    i = 0;
    _n0 = 0;
    while (i < _t0) {
        row = W[i];
        _t1 = row.length;
        acc = 0;
        _t2 = row.length;
        i_2 = 0;
        _n1 = 0;
        while (i_2 < _t2) {
            _t4 = row[i_2];
            t = acc;
            w = _t4;
            j = i_2;
            _t5 = x[j];
            _t6 = w * _t5;
            _t7 = t + _t6;
            fn_result = _t7;
            acc = fn_result;
            i_2 = i_2 + 1;
            _n1 += 1;
        }
        tape.ints.push(_n1);
        z = acc;
        tape.floats.push(_t8);
        _t8 = Math.tanh(z);
        s = s + _t8;
        i = i + 1;
        _n0 += 1;
    }
    f_result = s;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    s_b += f_result_b;
    for (i = _n0 - 1; i >= 0; i--) {
        row = W[i];
        _t8_b += s_b;
        _y = _t8;
        _t8 = tape.floats.pop();
        z_b += _t8_b * (1 - _y * _y);
        _t8_b = 0;
        acc_b += z_b;
        z_b = 0;
        _n1 = tape.ints.pop();
        for (i_2 = _n1 - 1; i_2 >= 0; i_2--) {
            _t4 = row[i_2];
            w = _t4;
            j = i_2;
            fn_result_b += acc_b;
            acc_b = 0;
            _t7_b += fn_result_b;
            fn_result_b = 0;
            t_b += _t7_b;
            _t6_b += _t7_b;
            _t7_b = 0;
            _t5_b += _t6_b * w;
            _t6_b = 0;
            x_b[j] += _t5_b;
            _t5_b = 0;
            acc_b += t_b;
            t_b = 0;
        }
        acc_b = 0;
    }
    s_b = 0;
    return Array.from(x_b);
}
