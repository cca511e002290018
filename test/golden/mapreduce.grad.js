function f_grad(w, x) {
    let f_result = 0, _t0 = 0, scaled, _t1 = 0, i = 0, _t3 = 0, fn_result = 0, v = 0, i_2 = 0, _t4 = 0, _t5 = 0, acc = 0, _t6 = 0, _t7 = 0, i_3 = 0, _t9 = 0, fn_result_2 = 0, s = 0, z = 0, softplus_result = 0, z_2 = 0, _t10 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _n0 = 0, _n1 = 0;
    const w_b = new Float64Array(w.length);
    let f_result_b = 0, scaled_b, _t3_b = 0, fn_result_b = 0, v_b = 0, _t5_b = 0, acc_b = 0, _t9_b = 0, fn_result_2_b = 0, s_b = 0, z_b = 0, softplus_result_b = 0, z_2_b = 0, _t10_b = 0, _t11_b = 0, _t12_b = 0, _t13_b = 0;
    // forward sweep
    _t0 = w.length;
    scaled = new Float64Array(_t0);
    scaled_b = new Float64Array(scaled.length);
    _t1 = w.length;
    i = 0;
    _n0 = 0;
    while (i < _t1) {
        _t3 = w[i];
        v = _t3;
        i_2 = i;
        _t4 = x[i_2];
        _t5 = v * _t4;
        fn_result = _t5;
        scaled[i] = fn_result;
        i = i + 1;
        _n0 += 1;
    }
    _t6 = scaled.length;
    acc = 0;
    _t7 = scaled.length;
    i_3 = 0;
    _n1 = 0;
    while (i_3 < _t7) {
        _t9 = scaled[i_3];
        s = acc;
        z = _t9;
        z_2 = z;
        _t10 = Math.exp(z_2);
        _t11 = 1 + _t10;
        _t12 = Math.log(_t11);
        softplus_result = _t12;
        _t13 = s + softplus_result;
        fn_result_2 = _t13;
        acc = fn_result_2;
        i_3 = i_3 + 1;
        _n1 += 1;
    }
    f_result = acc;
    // reverse sweep
    f_result_b = 1;
    acc_b += f_result_b;
    for (i_3 = _n1 - 1; i_3 >= 0; i_3--) {
        _t9 = scaled[i_3];
        z = _t9;
        z_2 = z;
        _t10 = Math.exp(z_2);
        _t11 = 1 + _t10;
        fn_result_2_b += acc_b;
        acc_b = 0;
        _t13_b += fn_result_2_b;
        fn_result_2_b = 0;
        s_b += _t13_b;
        softplus_result_b += _t13_b;
        _t13_b = 0;
        _t12_b += softplus_result_b;
        softplus_result_b = 0;
        _t11_b += _t12_b * (1 / _t11);
        _t12_b = 0;
        _t10_b += _t11_b;
        _t11_b = 0;
        z_2_b += _t10_b * _t10;
        _t10_b = 0;
        z_b += z_2_b;
        z_2_b = 0;
        _t9_b += z_b;
        z_b = 0;
        acc_b += s_b;
        s_b = 0;
        scaled_b[i_3] += _t9_b;
        _t9_b = 0;
    }
    acc_b = 0;
    for (i = _n0 - 1; i >= 0; i--) {
        i_2 = i;
        _t4 = x[i_2];
        fn_result_b += scaled_b[i];
        scaled_b[i] = 0;
        _t5_b += fn_result_b;
        fn_result_b = 0;
        v_b += _t5_b * _t4;
        _t5_b = 0;
        _t3_b += v_b;
        v_b = 0;
        w_b[i] += _t3_b;
        _t3_b = 0;
    }
    return w_b;
}
