function f_grad(x) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, p = 0, i = 0, _n0 = 0;
    let x_b = 0, f_result_b = 0, p_b = 0, _g = 0;
    // forward sweep
    p = 1;
    i = 0;
    _n0 = 0;
    while (i < 5) {
        tape.floats.push(p);
        p = p * x;
        i = i + 1;
        _n0 += 1;
    }
    f_result = p;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    p_b += f_result_b;
    for (i = _n0 - 1; i >= 0; i--) {
        _g = p_b;
        p_b = 0;
        p = tape.floats.pop();
        p_b += _g * x;
        x_b += _g * p;
    }
    p_b = 0;
    return x_b;
}
