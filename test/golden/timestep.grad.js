function f_grad(x0) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, x, t = 0, _t0 = 0, arr, _t1 = 0, i = 0, _t3 = 0, fn_result = 0, xi = 0, i_2 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t8 = 0, _t9 = 0, _t10 = 0, _t11 = 0, a = 0, _t12 = 0, arr_2, _t13 = 0, i_3 = 0, _t15 = 0, fn_result_2 = 0, yi = 0, i_4 = 0, _t16 = 0, _t17 = 0, _t18 = 0, _t19 = 0, arr_3, _t20 = 0, i_5 = 0, _t22 = 0, fn_result_3 = 0, xi_2 = 0, i_6 = 0, _t23 = 0, _t24 = 0, _t25 = 0, _t26 = 0, _t27 = 0, _t28 = 0, _t29 = 0, _t30 = 0, a_2 = 0, _t31 = 0, arr_4, _t32 = 0, i_7 = 0, _t34 = 0, fn_result_4 = 0, yi_2 = 0, i_8 = 0, _t35 = 0, _t36 = 0, _t37 = 0, acc = 0, _t39 = 0, _t40 = 0, i_9 = 0, _t42 = 0, fn_result_5 = 0, s = 0, v = 0, _t43 = 0, _t44 = 0, _len = 0, i_10 = 0, _e = 0, _n6 = 0, _n0 = 0, _n1 = 0, _n2 = 0, _n3 = 0, _n4 = 0, _n5 = 0;
    const x0_b = new Float64Array(x0.length);
    let f_result_b = 0, x_b = new Float64Array(0), arr_b = new Float64Array(0), _t3_b = 0, fn_result_b = 0, xi_b = 0, _t4_b = 0, _t8_b = 0, _t9_b = 0, _t10_b = 0, _t11_b = 0, arr_2_b = new Float64Array(0), _t15_b = 0, fn_result_2_b = 0, yi_b = 0, _t16_b = 0, _t17_b = 0, _t18_b = 0, arr_3_b = new Float64Array(0), _t22_b = 0, fn_result_3_b = 0, xi_2_b = 0, _t23_b = 0, _t27_b = 0, _t28_b = 0, _t29_b = 0, _t30_b = 0, arr_4_b = new Float64Array(0), _t34_b = 0, fn_result_4_b = 0, yi_2_b = 0, _t35_b = 0, _t36_b = 0, _t37_b = 0, acc_b = 0, _t42_b = 0, fn_result_5_b = 0, s_b = 0, v_b = 0, _t43_b = 0, _t44_b = 0, _e_b = 0, _swap;
    // forward sweep
    _len = x0.length;
    x = new Array(_len).fill(0);
    if (x_b.length < x.length) {
        x_b = new Float64Array(x.length);
    }
    i_10 = 0;
    _n6 = 0;
    while (i_10 < _len) {
        _e = x0[i_10];
        x[i_10] = _e;
        i_10 = i_10 + 1;
        _n6 += 1;
    }
    t = 0;
    _n0 = 0;
    while (t < 3) {
        _t0 = x.length;
        arr = arr !== undefined && arr.length === _t0 ? arr : new Array(_t0).fill(0);
        if (arr_b.length < arr.length) {
            arr_b = new Float64Array(arr.length);
        }
        _t1 = x.length;
        i = 0;
        _n1 = 0;
        while (i < _t1) {
            _t3 = x[i];
            xi = _t3;
            i_2 = i;
            _t4 = -xi;
            _t5 = i_2 + 1;
            _t6 = x.length;
            tape.floats.push(_t7);
            _t7 = _t5 % _t6;
            tape.floats.push(_t8);
            _t8 = x[_t7];
            _t9 = _t8 ** 2;
            _t10 = 0.5 * _t9;
            _t11 = _t4 + _t10;
            fn_result = _t11;
            arr[i] = fn_result;
            i = i + 1;
            _n1 += 1;
        }
        tape.ints.push(_n1);
        a = 0.05;
        _t12 = x.length;
        arr_2 = arr_2 !== undefined && arr_2.length === _t12 ? arr_2 : new Array(_t12).fill(0);
        if (arr_2_b.length < arr_2.length) {
            arr_2_b = new Float64Array(arr_2.length);
        }
        _t13 = x.length;
        i_3 = 0;
        _n2 = 0;
        while (i_3 < _t13) {
            _t15 = x[i_3];
            yi = _t15;
            i_4 = i_3;
            _t16 = arr[i_4];
            _t17 = a * _t16;
            _t18 = yi + _t17;
            fn_result_2 = _t18;
            arr_2[i_3] = fn_result_2;
            i_3 = i_3 + 1;
            _n2 += 1;
        }
        tape.ints.push(_n2);
        _t19 = arr_2.length;
        arr_3 = arr_3 !== undefined && arr_3.length === _t19 ? arr_3 : new Array(_t19).fill(0);
        if (arr_3_b.length < arr_3.length) {
            arr_3_b = new Float64Array(arr_3.length);
        }
        _t20 = arr_2.length;
        i_5 = 0;
        _n3 = 0;
        while (i_5 < _t20) {
            _t22 = arr_2[i_5];
            xi_2 = _t22;
            i_6 = i_5;
            _t23 = -xi_2;
            _t24 = i_6 + 1;
            _t25 = arr_2.length;
            tape.floats.push(_t26);
            _t26 = _t24 % _t25;
            tape.floats.push(_t27);
            _t27 = arr_2[_t26];
            _t28 = _t27 ** 2;
            _t29 = 0.5 * _t28;
            _t30 = _t23 + _t29;
            fn_result_3 = _t30;
            arr_3[i_5] = fn_result_3;
            i_5 = i_5 + 1;
            _n3 += 1;
        }
        tape.ints.push(_n3);
        a_2 = 0.1;
        _t31 = x.length;
        arr_4 = arr_4 !== undefined && arr_4.length === _t31 ? arr_4 : new Array(_t31).fill(0);
        if (arr_4_b.length < arr_4.length) {
            arr_4_b = new Float64Array(arr_4.length);
        }
        _t32 = x.length;
        i_7 = 0;
        _n4 = 0;
        while (i_7 < _t32) {
            _t34 = x[i_7];
            yi_2 = _t34;
            i_8 = i_7;
            _t35 = arr_3[i_8];
            _t36 = a_2 * _t35;
            _t37 = yi_2 + _t36;
            fn_result_4 = _t37;
            arr_4[i_7] = fn_result_4;
            i_7 = i_7 + 1;
            _n4 += 1;
        }
        tape.ints.push(_n4);
        _swap = x;
        x = arr_4;
        arr_4 = _swap;
        _swap = x_b;
        x_b = arr_4_b;
        arr_4_b = _swap;
        t = t + 1;
        _n0 += 1;
    }
    _t39 = x.length;
    acc = 0;
    _t40 = x.length;
    i_9 = 0;
    _n5 = 0;
    while (i_9 < _t40) {
        _t42 = x[i_9];
        s = acc;
        tape.floats.push(v);
        v = _t42;
        _t43 = v * v;
        _t44 = s + _t43;
        fn_result_5 = _t44;
        acc = fn_result_5;
        i_9 = i_9 + 1;
        _n5 += 1;
    }
    f_result = acc;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    acc_b += f_result_b;
    for (i_9 = _n5 - 1; i_9 >= 0; i_9--) {
        fn_result_5_b += acc_b;
        acc_b = 0;
        _t44_b += fn_result_5_b;
        fn_result_5_b = 0;
        s_b += _t44_b;
        _t43_b += _t44_b;
        _t44_b = 0;
        v_b += _t43_b * v;
        v_b += _t43_b * v;
        _t43_b = 0;
        v = tape.floats.pop();
        _t42_b += v_b;
        v_b = 0;
        acc_b += s_b;
        s_b = 0;
        x_b[i_9] += _t42_b;
        _t42_b = 0;
    }
    acc_b = 0;
    for (t = _n0 - 1; t >= 0; t--) {
        a = 0.05;
        a_2 = 0.1;
        _swap = x_b;
        x_b = arr_4_b;
        arr_4_b = _swap;
        _n4 = tape.ints.pop();
        for (i_7 = _n4 - 1; i_7 >= 0; i_7--) {
            i_8 = i_7;
            fn_result_4_b += arr_4_b[i_7];
            arr_4_b[i_7] = 0;
            _t37_b += fn_result_4_b;
            fn_result_4_b = 0;
            yi_2_b += _t37_b;
            _t36_b += _t37_b;
            _t37_b = 0;
            _t35_b += _t36_b * a_2;
            _t36_b = 0;
            arr_3_b[i_8] += _t35_b;
            _t35_b = 0;
            _t34_b += yi_2_b;
            yi_2_b = 0;
            x_b[i_7] += _t34_b;
            _t34_b = 0;
        }
        _n3 = tape.ints.pop();
        for (i_5 = _n3 - 1; i_5 >= 0; i_5--) {
            fn_result_3_b += arr_3_b[i_5];
            arr_3_b[i_5] = 0;
            _t30_b += fn_result_3_b;
            fn_result_3_b = 0;
            _t23_b += _t30_b;
            _t29_b += _t30_b;
            _t30_b = 0;
            _t28_b += _t29_b * 0.5;
            _t29_b = 0;
            _t27_b += _t28_b * (2 === 0 ? 0 : 2 * Math.pow(_t27, 2 - 1));
            _t28_b = 0;
            _t27 = tape.floats.pop();
            arr_2_b[_t26] += _t27_b;
            _t27_b = 0;
            _t26 = tape.floats.pop();
            xi_2_b -= _t23_b;
            _t23_b = 0;
            _t22_b += xi_2_b;
            xi_2_b = 0;
            arr_2_b[i_5] += _t22_b;
            _t22_b = 0;
        }
        _n2 = tape.ints.pop();
        for (i_3 = _n2 - 1; i_3 >= 0; i_3--) {
            i_4 = i_3;
            fn_result_2_b += arr_2_b[i_3];
            arr_2_b[i_3] = 0;
            _t18_b += fn_result_2_b;
            fn_result_2_b = 0;
            yi_b += _t18_b;
            _t17_b += _t18_b;
            _t18_b = 0;
            _t16_b += _t17_b * a;
            _t17_b = 0;
            arr_b[i_4] += _t16_b;
            _t16_b = 0;
            _t15_b += yi_b;
            yi_b = 0;
            x_b[i_3] += _t15_b;
            _t15_b = 0;
        }
        _n1 = tape.ints.pop();
        for (i = _n1 - 1; i >= 0; i--) {
            fn_result_b += arr_b[i];
            arr_b[i] = 0;
            _t11_b += fn_result_b;
            fn_result_b = 0;
            _t4_b += _t11_b;
            _t10_b += _t11_b;
            _t11_b = 0;
            _t9_b += _t10_b * 0.5;
            _t10_b = 0;
            _t8_b += _t9_b * (2 === 0 ? 0 : 2 * Math.pow(_t8, 2 - 1));
            _t9_b = 0;
            _t8 = tape.floats.pop();
            x_b[_t7] += _t8_b;
            _t8_b = 0;
            _t7 = tape.floats.pop();
            xi_b -= _t4_b;
            _t4_b = 0;
            _t3_b += xi_b;
            xi_b = 0;
            x_b[i] += _t3_b;
            _t3_b = 0;
        }
    }
    for (i_10 = _n6 - 1; i_10 >= 0; i_10--) {
        _e_b += x_b[i_10];
        x_b[i_10] = 0;
        x0_b[i_10] += _e_b;
        _e_b = 0;
    }
    return Array.from(x0_b);
}
