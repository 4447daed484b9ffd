exports.fn = async () => ({ nested: true });
