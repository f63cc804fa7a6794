export default { project: 'shop' };
