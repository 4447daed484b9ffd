def greeting():
    return "hello from the layer"
