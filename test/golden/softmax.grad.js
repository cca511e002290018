function f_grad(theta, X, y, n, d, c) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, total = 0, logits, i = 0, max = 0, k = 0, z = 0, j = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t9 = false, sum = 0, k_2 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _t16 = 0, _t17 = 0, _t18 = 0, _t19 = 0, _t20 = 0, _t23 = 0, _n0 = 0, _n3 = 0, _n1 = 0, _n2 = 0;
    const theta_b = new Float64Array(theta.length);
    let f_result_b = 0, total_b = 0, logits_b, max_b = 0, z_b = 0, _t2_b = 0, _t6_b = 0, sum_b = 0, _t11_b = 0, _t12_b = 0, _t13_b = 0, _t16_b = 0, _t17_b = 0, _t19_b = 0, _t20_b = 0, _t23_b = 0, _y = 0;
    // forward sweep
    total = 0;
    logits = new Float64Array(c);
    logits_b = new Float64Array(logits.length);
    i = 0;
    _n0 = 0;
    while (i < n) {
        max = -Infinity;
        k = 0;
        while (k < c) {
            z = 0;
            j = 0;
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
            logits[k] = z;
            _t9 = z > max;
            if (_t9) {
                max = z;
                tape.ints.push(1);
            }
            else {
                tape.ints.push(0);
            }
            k = k + 1;
        }
        tape.floats.push(sum);
        sum = 0;
        k_2 = 0;
        tape.floats.push(sum);
        while (k_2 < c) {
            _t11 = logits[k_2];
            _t12 = _t11 - max;
            tape.floats.push(_t13);
            _t13 = Math.exp(_t12);
            sum = sum + _t13;
            k_2 = k_2 + 1;
        }
        _t16 = Math.log(sum);
        _t17 = _t16 + max;
        _t18 = y[i];
        _t19 = logits[_t18];
        _t20 = _t17 - _t19;
        total = total + _t20;
        i = i + 1;
        _n0 += 1;
    }
    _t23 = total / n;
    f_result = _t23;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    _t23_b += f_result_b;
    total_b += _t23_b * (1 / n);
    for (i = _n0 - 1; i >= 0; i--) {
        _t18 = y[i];
        _t20_b += total_b;
        _t17_b += _t20_b;
        _t19_b -= _t20_b;
        _t20_b = 0;
        logits_b[_t18] += _t19_b;
        _t19_b = 0;
        _t16_b += _t17_b;
        max_b += _t17_b;
        _t17_b = 0;
        sum_b += _t16_b * (1 / sum);
        _t16_b = 0;
        _n3 = Math.max(0, Math.ceil(c));
        for (k_2 = _n3 - 1; k_2 >= 0; k_2--) {
            _t13_b += sum_b;
            _y = _t13;
            _t13 = tape.floats.pop();
            _t12_b += _t13_b * _y;
            _t13_b = 0;
            _t11_b += _t12_b;
            max_b -= _t12_b;
            _t12_b = 0;
            logits_b[k_2] += _t11_b;
            _t11_b = 0;
        }
        sum = tape.floats.pop();
        sum = tape.floats.pop();
        sum_b = 0;
        _n1 = Math.max(0, Math.ceil(c));
        for (k = _n1 - 1; k >= 0; k--) {
            if (tape.ints.pop()) {
                z_b += max_b;
                max_b = 0;
            }
            z_b += logits_b[k];
            logits_b[k] = 0;
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
            z_b = 0;
        }
        max_b = 0;
    }
    total_b = 0;
    return theta_b;
}
