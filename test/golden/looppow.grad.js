function f_grad(x) {
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats;
    let nf = 0;
    let p = 0, i = 0;
    let x_b = 0, p_b = 0, _g = 0;
    // forward sweep
    p = 1;
    for (i = 0; i < 5; i++) {
        floats[nf++] = p;
        p = p * x;
    }
    tape.mark();
    // reverse sweep
    p_b = 1;
    for (i = 4; i >= 0; i--) {
        _g = p_b;
        p_b = 0;
        p = floats[--nf];
        p_b += _g * x;
        x_b += _g * p;
    }
    return x_b;
}
