function f_grad(x, n) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, s = 0, i = 0, v = 0, _t0 = 0, _t1 = false, _t2 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t8 = false, _brk1 = false, softplus_result = 0, z = 0, _t9 = false, _ret1 = false, _t10 = 0, _t11 = 0, _t12 = false, _t13 = 0, _t14 = 0, _t15 = 0, _t17 = false, _t18 = false, _t19 = false, _t20 = false, _t21 = false, _n0 = 0;
    const x_b = new Float64Array(x.length);
    let f_result_b = 0, s_b = 0, v_b = 0, _t2_b = 0, _t4_b = 0, _t5_b = 0, _t6_b = 0, _t7_b = 0, softplus_result_b = 0, z_b = 0, _t10_b = 0, _t11_b = 0, _t13_b = 0, _t14_b = 0, _t15_b = 0, _y = 0;
    // forward sweep
    s = 0;
    i = 0;
    _brk1 = false;
    _n0 = 0;
    for (;;) {
        _t18 = false;
        _t20 = !_brk1;
        if (_t20) {
            _t19 = i < n;
            _t18 = _t19;
        }
        if (!_t18) {
            break;
        }
        _t0 = x[i];
        _t1 = _t0 > 0;
        if (_t1) {
            _t2 = x[i];
            _t4 = _t2 * _t2;
            _t7 = _t4;
        }
        else {
            _t5 = x[i];
            _t6 = -_t5;
            _t7 = _t6;
        }
        v = _t7;
        _t8 = v > 10;
        if (_t8) {
            _brk1 = true;
        }
        _t17 = !_brk1;
        if (_t17) {
            z = v;
            _ret1 = false;
            _t9 = z > 20;
            if (_t9) {
                tape.floats.push(softplus_result);
                softplus_result = z;
                _ret1 = true;
                tape.ints.push(1);
            }
            else {
                tape.ints.push(0);
            }
            _t12 = !_ret1;
            if (_t12) {
                tape.floats.push(_t10);
                _t10 = Math.exp(z);
                _t11 = Math.log1p(_t10);
                tape.floats.push(softplus_result);
                softplus_result = _t11;
                tape.ints.push(1);
            }
            else {
                tape.ints.push(0);
            }
            _t13 = x[i];
            _t14 = Math.cos(_t13);
            _t15 = softplus_result * _t14;
            s = s + _t15;
            tape.ints.push(1);
        }
        else {
            tape.ints.push(0);
        }
        _t21 = !_brk1;
        if (_t21) {
            i = i + 1;
        }
        _n0 += 1;
    }
    f_result = s;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    s_b += f_result_b;
    for (i = _n0 - 1; i >= 0; i--) {
        _t0 = x[i];
        _t1 = _t0 > 0;
        if (tape.ints.pop()) {
            _t13 = x[i];
            _t14 = Math.cos(_t13);
            _t15_b += s_b;
            softplus_result_b += _t15_b * _t14;
            _t14_b += _t15_b * softplus_result;
            _t15_b = 0;
            _t13_b -= _t14_b * Math.sin(_t13);
            _t14_b = 0;
            x_b[i] += _t13_b;
            _t13_b = 0;
            if (tape.ints.pop()) {
                softplus_result = tape.floats.pop();
                _t11_b += softplus_result_b;
                softplus_result_b = 0;
                _t10_b += _t11_b * (1 / (1 + _t10));
                _t11_b = 0;
                _y = _t10;
                _t10 = tape.floats.pop();
                z_b += _t10_b * _y;
                _t10_b = 0;
            }
            if (tape.ints.pop()) {
                softplus_result = tape.floats.pop();
                z_b += softplus_result_b;
                softplus_result_b = 0;
            }
            v_b += z_b;
            z_b = 0;
        }
        _t7_b += v_b;
        v_b = 0;
        if (_t1) {
            _t2 = x[i];
            _t4_b += _t7_b;
            _t7_b = 0;
            _t2_b += _t4_b * _t2;
            _t2_b += _t4_b * _t2;
            _t4_b = 0;
            x_b[i] += _t2_b;
            _t2_b = 0;
        }
        else {
            _t6_b += _t7_b;
            _t7_b = 0;
            _t5_b -= _t6_b;
            _t6_b = 0;
            x_b[i] += _t5_b;
            _t5_b = 0;
        }
    }
    s_b = 0;
    return x_b;
}
